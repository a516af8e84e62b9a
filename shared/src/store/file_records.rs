//! A customer's files (`TENANT#{t}#CUSTOMER#{c}` / `FILE#{id}`, newest last by their ULIDs;
//! on the index `gsi1pk = TENANT#{t}#CUSTOMER#{c}#FOLDER#{folder}`, `gsi1sk = FILE#{id}` for
//! one folder's files), the bytes they hold (`.../FILEUSAGE`, attribute `bytes`) and the
//! agency's upload rules (`TENANT#{t}` / `FILESETTINGS`).
//!
//! A file and the usage move together, in one transaction: creating one adds its declared
//! size only while the usage stays within the quota, so two uploads at once can't both
//! squeeze past it.

use async_trait::async_trait;

use chrono::{DateTime, Utc};

use super::{ItemStore, tenant_pk, timestamp, ttl, unexpected};
use crate::{
    domain::{
        CustomerId, DirectLink, DirectLinkId, FileId, FileNotice, FileRecord, FileSettings,
        FileState, NoticeTo, ObjectKey, TenantId, invitation::TokenHash,
    },
    items::{self, Condition, Cursor, Key, Keys, Query, SkCondition, TableError, Update, Write},
    ports::{FileCreation, FileRecordStore, Page, StoreError},
};

const USAGE_SK: &str = "FILEUSAGE";
/// When the customer last opened the files page.
const SEEN_SK: &str = "FILESSEEN";

#[derive(serde::Serialize, serde::Deserialize)]
struct FilesSeen {
    at: DateTime<Utc>,
}
const SETTINGS_SK: &str = "FILESETTINGS";
const BYTES: &str = "bytes";

fn owner_pk(t: TenantId, c: CustomerId) -> String {
    format!("TENANT#{t}#CUSTOMER#{c}")
}

fn file_sk(id: FileId) -> String {
    format!("FILE#{id}")
}

fn folder_pk(t: TenantId, c: CustomerId, folder: &str) -> String {
    format!("TENANT#{t}#CUSTOMER#{c}#FOLDER#{folder}")
}

fn file_key(t: TenantId, c: CustomerId, id: FileId) -> Key {
    Key::new(owner_pk(t, c), file_sk(id))
}

fn usage_key(t: TenantId, c: CustomerId) -> Key {
    Key::new(owner_pk(t, c), USAGE_SK)
}

fn link_key(hash: &TokenHash) -> Key {
    Key::new(format!("DLINK#{}", hash.as_str()), "DLINK")
}

fn file_links_pk(t: TenantId, c: CustomerId, f: FileId) -> String {
    format!("TENANT#{t}#CUSTOMER#{c}#FILE#{f}")
}

fn link_item(link: &DirectLink) -> anyhow::Result<items::Item> {
    let key = link_key(&link.hash);
    // The TTL is the expiry itself: counting a download checks it in its condition.
    let keys = Keys::new(key.pk, key.sk)
        .gsi1(
            file_links_pk(link.tenant_id, link.customer_id, link.file_id),
            format!("DLINK#{}", link.id),
        )
        .ttl(ttl(link.expires_at));
    items::item(link, &keys)
}

const NOTICES: &str = "FILENOTICES";
/// A notice's lease, in seconds since the epoch (see [`FileNotice::leased_until`]).
const LEASED_UNTIL: &str = "leasedUntil";

fn notice_key(n: &FileNotice) -> Key {
    Key::new(
        owner_pk(n.tenant_id, n.customer_id),
        format!("FILENOTICE#{}#{}", n.to.as_str(), n.file_id),
    )
}

/// On the index, in time order across every tenant, for the sweep to find what is due.
fn notice_index_sk(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn notice_item(n: &FileNotice) -> anyhow::Result<items::Item> {
    let key = notice_key(n);
    let keys = Keys::new(key.pk, key.sk).gsi1(
        NOTICES,
        format!(
            "{}#{}#{}#{}#{}",
            notice_index_sk(n.created_at),
            n.tenant_id,
            n.customer_id,
            n.to.as_str(),
            n.file_id
        ),
    );
    items::item(n, &keys)
}

/// What is left of a file deleted while its upload was pending: the key its upload may
/// still arrive under.
#[derive(serde::Serialize, serde::Deserialize)]
struct DeletedUpload {
    key: ObjectKey,
}

fn deleted_upload_key(t: TenantId, c: CustomerId, id: FileId) -> Key {
    Key::new(owner_pk(t, c), format!("FILEGONE#{id}"))
}

/// S3 delivers most events within seconds and some late; a week covers the late ones and
/// the form's own 15 minutes many times over.
const DELETED_UPLOAD_KEPT: chrono::Duration = chrono::Duration::days(7);

fn deleted_upload_item(f: &FileRecord) -> anyhow::Result<items::Item> {
    let key = deleted_upload_key(f.tenant_id, f.customer_id, f.id);
    let keys = Keys::new(key.pk, key.sk).ttl(ttl(f.created_at + DELETED_UPLOAD_KEPT));
    items::item(&DeletedUpload { key: f.key.clone() }, &keys)
}

pub(crate) fn file_item(f: &FileRecord) -> anyhow::Result<items::Item> {
    let keys = Keys::new(owner_pk(f.tenant_id, f.customer_id), file_sk(f.id)).gsi1(
        folder_pk(f.tenant_id, f.customer_id, &f.folder),
        file_sk(f.id),
    );
    items::item(f, &keys)
}

fn signed(bytes: u64) -> anyhow::Result<i64> {
    i64::try_from(bytes).map_err(|_| anyhow::anyhow!("A file size is out of range"))
}

/// Moves the customer's usage by `delta` bytes (no write when it is zero).
fn usage_change(file: &FileRecord, delta: i64) -> Option<Write> {
    (delta != 0).then(|| {
        Update::new(usage_key(file.tenant_id, file.customer_id))
            .add(BYTES, delta)
            .into()
    })
}

#[async_trait]
impl FileRecordStore for ItemStore {
    #[tracing::instrument(skip(self))]
    async fn file_settings(&self, tenant: TenantId) -> Result<FileSettings, StoreError> {
        let key = Key::new(tenant_pk(tenant), SETTINGS_SK);
        let found = self
            .get_record(key, false, "Failed to read the file settings")
            .await?;
        Ok(found.unwrap_or_default())
    }

    #[tracing::instrument(skip(self, settings))]
    async fn put_file_settings(
        &self,
        tenant: TenantId,
        settings: &FileSettings,
    ) -> Result<(), StoreError> {
        let item = items::item(settings, &Keys::new(tenant_pk(tenant), SETTINGS_SK))?;
        self.write(Write::put(item), "Failed to store the file settings")
            .await?
            .map_err(|_| anyhow::anyhow!("An unconditional write failed its condition"))?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(tenant = %file.tenant_id, customer = %file.customer_id, file = %file.id))]
    async fn create_file(&self, file: &FileRecord, quota: u64) -> Result<FileCreation, StoreError> {
        let bytes = file.quota_bytes();
        let Some(room) = quota.checked_sub(bytes) else {
            let used = self.file_usage(file.tenant_id, file.customer_id).await?;
            return Ok(FileCreation::QuotaExceeded { used });
        };
        // `bytes <= room`, as `bytes < room + 1`; no usage yet is none used.
        let within = Condition::absent(BYTES)
            .or(Condition::less_than(BYTES, signed(room)?.saturating_add(1)));
        let mut writes = vec![
            Write::put(file_item(file)?).when(Condition::NotExists),
            Update::new(usage_key(file.tenant_id, file.customer_id))
                .add(BYTES, signed(bytes)?)
                .when(within)
                .into(),
        ];
        // A folder exists once a file was put in it (like a directory, it stays).
        if !file.folder.is_empty() {
            let key = Key::new(
                owner_pk(file.tenant_id, file.customer_id),
                format!("FOLDER#{}", file.folder),
            );
            let mut item = items::Item::new();
            item.insert(items::PK.into(), key.pk.into());
            item.insert(items::SK.into(), key.sk.into());
            item.insert("name".into(), file.folder.clone().into());
            writes.push(Write::put(item));
        }
        match self.table.transact(writes).await {
            Ok(()) => Ok(FileCreation::Created),
            Err(TableError::ConditionFailed { failed }) if failed.get(1) == Some(&true) => {
                let used = self.file_usage(file.tenant_id, file.customer_id).await?;
                Ok(FileCreation::QuotaExceeded { used })
            }
            Err(TableError::ConditionFailed { .. }) => Err(StoreError::AlreadyExists),
            Err(TableError::Conflict) => Err(StoreError::VersionConflict),
            Err(e) => Err(unexpected(e, "Failed to store the file")),
        }
    }

    #[tracing::instrument(skip(self))]
    async fn list_folders(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Vec<String>, StoreError> {
        let query = Query::primary(owner_pk(tenant, customer)).begins_with("FOLDER#");
        #[derive(serde::Deserialize)]
        struct Folder {
            name: String,
        }
        let folders: Vec<Folder> = self.list_all(query, "Failed to list the folders").await?;
        Ok(folders.into_iter().map(|f| f.name).collect())
    }

    #[tracing::instrument(skip(self))]
    async fn get_file(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FileId,
    ) -> Result<Option<FileRecord>, StoreError> {
        self.get_record(
            file_key(tenant, customer, id),
            true,
            "Failed to read the file",
        )
        .await
    }

    #[tracing::instrument(skip(self))]
    async fn get_files(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        ids: &[FileId],
    ) -> Result<Vec<FileRecord>, StoreError> {
        // Every key is under this customer's partition: another customer's id finds nothing.
        let keys: Vec<Key> = ids
            .iter()
            .map(|id| file_key(tenant, customer, *id))
            .collect();
        self.get_records(&keys, "Failed to read the files").await
    }

    #[tracing::instrument(skip(self))]
    async fn list_files(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        folder: Option<&str>,
        after: Option<FileId>,
        limit: usize,
    ) -> Result<Page<FileRecord, FileId>, StoreError> {
        let query = match folder {
            None => Query::primary(owner_pk(tenant, customer))
                .after(after.map(|id| Cursor::from(file_key(tenant, customer, id)))),
            Some(folder) => {
                Query::gsi1(folder_pk(tenant, customer, folder)).after(after.map(|id| Cursor {
                    key: file_key(tenant, customer, id),
                    index_sk: Some(file_sk(id)),
                }))
            }
        };
        let query = query.begins_with("FILE#").descending().limit(limit.max(1));
        let page = self
            .list::<FileRecord>(query, "Failed to list the files")
            .await?;
        let next = page
            .more
            .then(|| page.records.last().map(|f| f.id))
            .flatten();
        Ok(Page {
            items: page.records,
            next,
        })
    }

    #[tracing::instrument(skip_all, fields(tenant = %current.tenant_id, customer = %current.customer_id, file = %current.id))]
    async fn update_file(&self, current: &FileRecord, next: &FileRecord) -> Result<(), StoreError> {
        if (next.tenant_id, next.customer_id, next.id)
            != (current.tenant_id, current.customer_id, current.id)
        {
            return Err(anyhow::anyhow!("A file update must keep the file's identity").into());
        }
        let put = Write::put(file_item(next)?).when(Condition::equals("version", current.version));
        let delta = signed(next.quota_bytes())? - signed(current.quota_bytes())?;
        let mut writes = vec![put];
        writes.extend(usage_change(current, delta));
        self.transact(writes, None, "Failed to update the file")
            .await
    }

    #[tracing::instrument(skip_all, fields(tenant = %current.tenant_id, customer = %current.customer_id, file = %current.id))]
    async fn update_file_with_notice(
        &self,
        current: &FileRecord,
        next: &FileRecord,
        notice: &FileNotice,
    ) -> Result<(), StoreError> {
        let put = Write::put(file_item(next)?).when(Condition::equals("version", current.version));
        let delta = signed(next.quota_bytes())? - signed(current.quota_bytes())?;
        let mut writes = vec![put, Write::put(notice_item(notice)?)];
        writes.extend(usage_change(current, delta));
        self.transact(writes, None, "Failed to update the file")
            .await
    }

    #[tracing::instrument(skip(self))]
    async fn due_notices(
        &self,
        cutoff: DateTime<Utc>,
    ) -> Result<Vec<(TenantId, CustomerId, NoticeTo)>, StoreError> {
        // Every index key starts with a year; `~` sorts after every character a key part
        // holds: all notices up to the cutoff. (DynamoDB refuses an empty bound.)
        let query = Query::gsi1(NOTICES).sk(SkCondition::Between(
            "0".to_owned(),
            format!("{}~", notice_index_sk(cutoff)),
        ));
        let due: Vec<FileNotice> = self.list_all(query, "Failed to find due notices").await?;
        let mut groups: Vec<(TenantId, CustomerId, NoticeTo)> = due
            .iter()
            .map(|n| (n.tenant_id, n.customer_id, n.to))
            .collect();
        groups.sort();
        groups.dedup();
        Ok(groups)
    }

    #[tracing::instrument(skip(self))]
    async fn notices(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        to: NoticeTo,
    ) -> Result<Vec<FileNotice>, StoreError> {
        let query = Query::primary(owner_pk(tenant, customer))
            .begins_with(format!("FILENOTICE#{}#", to.as_str()))
            .limit(100)
            .consistent();
        Ok(self
            .list(query, "Failed to read the notices")
            .await?
            .records)
    }

    #[tracing::instrument(skip_all, fields(count = notices.len()))]
    async fn lease_notices(
        &self,
        notices: &[FileNotice],
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if notices.is_empty() {
            return Ok(());
        }
        // Free: never leased, or the lease ended at or before `now` (`< now + 1`).
        let free = || {
            Condition::Exists.and(
                Condition::absent(LEASED_UNTIL)
                    .or(Condition::less_than(LEASED_UNTIL, now.timestamp() + 1)),
            )
        };
        let writes = notices
            .iter()
            .map(|n| {
                Update::new(notice_key(n))
                    .set(LEASED_UNTIL, until.timestamp())
                    .add("attempts", 1)
                    .when(free())
                    .into()
            })
            .collect();
        self.transact(writes, None, "Failed to lease the notices")
            .await
    }

    #[tracing::instrument(skip_all, fields(count = notices.len()))]
    async fn finish_notices(
        &self,
        notices: &[FileNotice],
        until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if notices.is_empty() {
            return Ok(());
        }
        let writes = notices
            .iter()
            .map(|n| {
                Write::delete(notice_key(n))
                    .when(Condition::equals(LEASED_UNTIL, until.timestamp()))
            })
            .collect();
        self.transact(writes, None, "Failed to delete the sent notices")
            .await
    }

    #[tracing::instrument(skip_all, fields(tenant = %file.tenant_id, customer = %file.customer_id, file = %file.id))]
    async fn delete_file(&self, file: &FileRecord) -> Result<(), StoreError> {
        let delete = Write::delete(file_key(file.tenant_id, file.customer_id, file.id))
            .when(Condition::equals("version", file.version));
        let mut writes = vec![delete];
        writes.extend(usage_change(file, -signed(file.quota_bytes())?));
        if file.state == FileState::Pending {
            writes.push(Write::put(deleted_upload_item(file)?));
        }
        self.transact(writes, None, "Failed to delete the file")
            .await
    }

    #[tracing::instrument(skip(self))]
    async fn deleted_upload(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FileId,
    ) -> Result<Option<ObjectKey>, StoreError> {
        let found: Option<DeletedUpload> = self
            .get_record(
                deleted_upload_key(tenant, customer, id),
                true,
                "Failed to read a deleted upload",
            )
            .await?;
        Ok(found.map(|d| d.key))
    }

    #[tracing::instrument(skip_all, fields(link = %link.id, file = %link.file_id))]
    async fn create_direct_link(&self, link: &DirectLink) -> Result<(), StoreError> {
        let put = Write::put(link_item(link)?).when(Condition::NotExists);
        self.write(put, "Failed to store the direct link")
            .await?
            .map_err(|_| StoreError::AlreadyExists)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn find_direct_link(&self, hash: &TokenHash) -> Result<Option<DirectLink>, StoreError> {
        self.get_record(link_key(hash), true, "Failed to look up the direct link")
            .await
    }

    #[tracing::instrument(skip(self))]
    async fn list_direct_links(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        file: FileId,
    ) -> Result<Vec<DirectLink>, StoreError> {
        let query = Query::gsi1(file_links_pk(tenant, customer, file)).begins_with("DLINK#");
        self.list_all(query, "Failed to list the direct links")
            .await
    }

    #[tracing::instrument(skip(self))]
    async fn revoke_direct_link(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        file: FileId,
        id: DirectLinkId,
        at: DateTime<Utc>,
    ) -> Result<DirectLink, StoreError> {
        let query = Query::gsi1(file_links_pk(tenant, customer, file))
            .sk(SkCondition::Equals(format!("DLINK#{id}")));
        let found = self
            .table
            .query(&query)
            .await
            .map_err(|e| unexpected(e, "Failed to find the direct link"))?;
        let Some(item) = found.items.into_iter().next() else {
            return Err(StoreError::NotFound);
        };
        let link: DirectLink = items::record(item)?;
        let update = Update::new(link_key(&link.hash))
            .set_if_absent("revokedAt", timestamp(at))
            .when(Condition::Exists);
        let revoked = self
            .write(update.into(), "Failed to revoke the direct link")
            .await?
            .map_err(|_| StoreError::NotFound)?;
        Ok(items::record(revoked.unwrap_or_default())?)
    }

    #[tracing::instrument(skip_all)]
    async fn count_direct_download(
        &self,
        hash: &TokenHash,
        now: DateTime<Utc>,
    ) -> Result<DirectLink, StoreError> {
        let usable = Condition::Exists
            .and(Condition::absent("revokedAt"))
            .and(Condition::greater_than(items::TTL, now.timestamp()));
        let update = Update::new(link_key(hash)).add("downloads", 1).when(usable);
        let counted = self
            .write(update.into(), "Failed to count a download")
            .await?
            .map_err(|_| StoreError::NotFound)?;
        Ok(items::record(counted.unwrap_or_default())?)
    }

    #[tracing::instrument(skip(self))]
    async fn file_usage(&self, tenant: TenantId, customer: CustomerId) -> Result<u64, StoreError> {
        let item = self
            .table
            .get(&usage_key(tenant, customer), true)
            .await
            .map_err(|e| unexpected(e, "Failed to read the file usage"))?;
        let bytes = item
            .as_ref()
            .and_then(|i| i.get(BYTES))
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(0);
        Ok(u64::try_from(bytes).unwrap_or(0))
    }

    #[tracing::instrument(skip(self))]
    async fn mark_files_seen(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        // One unconditional put a page view: the latest visit wins, nothing to race for.
        let seen = FilesSeen { at };
        let item = items::item(&seen, &Keys::new(owner_pk(tenant, customer), SEEN_SK))?;
        self.write(Write::put(item), "Failed to note the files page visit")
            .await?
            .map_err(|_| anyhow::anyhow!("An unconditional write failed its condition"))?;
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    async fn files_seen(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let found: Option<FilesSeen> = self
            .get_record(
                Key::new(owner_pk(tenant, customer), SEEN_SK),
                false,
                "Failed to read the files page visit",
            )
            .await?;
        Ok(found.map(|s| s.at))
    }
}
