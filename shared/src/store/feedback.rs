//! Feedback on the draft website, under the customer's partition `TENANT#{t}#CUSTOMER#{c}`:
//! the site (`FEEDBACKSITE`), the last item number (`FEEDBACKBOARD`, attribute
//! `lastNumber`), a count per page (`FEEDBACKPAGE#{sha256 of the page URL}`, attribute
//! `count`), the items (`FEEDBACK#{itemId}`, on the index by page:
//! `TENANT#{t}#CUSTOMER#{c}#FEEDBACKPAGE#{sha256}` / `FEEDBACK#{itemId}`), their replies
//! (`FEEDBACKREPLY#{itemId}#{n, 5 digits}`) and the notices waiting to be emailed
//! (`FEEDBACKNOTICE#{agency|customer}#{noticeId}`, on the index `FEEDBACKNOTICES` /
//! `{time}#…` for the sweep). Tokens: `FEEDBACKTOKEN#{sha256}` / `FEEDBACKTOKEN` (`ttl` a day
//! after expiry, so an expired one is still told apart from an unknown one for a while), on
//! the index `TENANT#{t}#CUSTOMER#{c}#FEEDBACKTOKENS` / `FEEDBACKTOKEN#{id}` for revocation.
//!
//! Each origin of a site: `FEEDBACKORIGIN#{origin}` / `TENANT#{t}#CUSTOMER#{c}`, written with
//! the site, for preflights.
//!
//! A new item moves the number and the page's count in its own transaction, each
//! conditioned, so two items at once never share a number or overfill a page; a reply or a
//! state change is the item's conditional put with its reply and notice.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use super::{ItemStore, claim_item, timestamp, ttl, unexpected};
use crate::{
    domain::{
        CustomerId, FeedbackItem, FeedbackItemId, FeedbackNotice, FeedbackReply, FeedbackSite,
        FeedbackToken, NoticeTo, Origin, SiteUrl, TenantId, TokenHash,
    },
    items::{self, Condition, Cursor, Item, Key, Keys, Query, SkCondition, Update, Write},
    ports::{FeedbackStore, Page, StoreError},
};

const SITE_SK: &str = "FEEDBACKSITE";
const BOARD_SK: &str = "FEEDBACKBOARD";
const LAST_NUMBER: &str = "lastNumber";
const COUNT: &str = "count";
const NOTICES: &str = "FEEDBACKNOTICES";

/// Every customer whose site is on an origin, so a preflight (which carries no token) is
/// answered for registered origins only. Several customers' drafts may share one origin.
fn origin_pk(origin: &Origin) -> String {
    format!("FEEDBACKORIGIN#{}", origin.as_str())
}

fn origin_key(origin: &Origin, t: TenantId, c: CustomerId) -> Key {
    Key::new(origin_pk(origin), format!("TENANT#{t}#CUSTOMER#{c}"))
}

fn owner_pk(t: TenantId, c: CustomerId) -> String {
    format!("TENANT#{t}#CUSTOMER#{c}")
}

/// Page URLs can be long and hold any character: keys name them by their hash.
fn page_hash(page: &SiteUrl) -> String {
    Sha256::digest(page.as_str().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn page_count_key(t: TenantId, c: CustomerId, page: &SiteUrl) -> Key {
    Key::new(owner_pk(t, c), format!("FEEDBACKPAGE#{}", page_hash(page)))
}

fn page_index_pk(t: TenantId, c: CustomerId, page: &SiteUrl) -> String {
    format!("TENANT#{t}#CUSTOMER#{c}#FEEDBACKPAGE#{}", page_hash(page))
}

fn item_sk(id: FeedbackItemId) -> String {
    format!("FEEDBACK#{id}")
}

fn item_key(t: TenantId, c: CustomerId, id: FeedbackItemId) -> Key {
    Key::new(owner_pk(t, c), item_sk(id))
}

fn item_item(item: &FeedbackItem) -> anyhow::Result<Item> {
    let keys = Keys::new(owner_pk(item.tenant_id, item.customer_id), item_sk(item.id)).gsi1(
        page_index_pk(item.tenant_id, item.customer_id, &item.page_url),
        item_sk(item.id),
    );
    items::item(item, &keys)
}

fn reply_item(t: TenantId, c: CustomerId, reply: &FeedbackReply) -> anyhow::Result<Item> {
    let keys = Keys::new(
        owner_pk(t, c),
        format!("FEEDBACKREPLY#{}#{:05}", reply.item_id, reply.number),
    );
    items::item(reply, &keys)
}

fn notice_key(n: &FeedbackNotice) -> Key {
    Key::new(
        owner_pk(n.tenant_id, n.customer_id),
        format!("FEEDBACKNOTICE#{}#{}", n.to.as_str(), n.id),
    )
}

/// On the index, in time order across every tenant, for the sweep to find what is due.
fn notice_index_sk(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn notice_item(n: &FeedbackNotice) -> anyhow::Result<Item> {
    let key = notice_key(n);
    let keys = Keys::new(key.pk, key.sk).gsi1(
        NOTICES,
        format!(
            "{}#{}#{}#{}#{}",
            notice_index_sk(n.created_at),
            n.tenant_id,
            n.customer_id,
            n.to.as_str(),
            n.id
        ),
    );
    items::item(n, &keys)
}

fn notice_put(n: &FeedbackNotice) -> anyhow::Result<Write> {
    Ok(Write::put(notice_item(n)?).when(Condition::NotExists))
}

fn token_key(hash: &TokenHash) -> Key {
    Key::new(format!("FEEDBACKTOKEN#{}", hash.as_str()), "FEEDBACKTOKEN")
}

fn tokens_pk(t: TenantId, c: CustomerId) -> String {
    format!("TENANT#{t}#CUSTOMER#{c}#FEEDBACKTOKENS")
}

fn token_item(token: &FeedbackToken) -> anyhow::Result<Item> {
    let key = token_key(&token.hash);
    let keys = Keys::new(key.pk, key.sk)
        .gsi1(
            tokens_pk(token.tenant_id, token.customer_id),
            format!("FEEDBACKTOKEN#{}", token.id),
        )
        .ttl(ttl(token.expires_at + Duration::days(1)));
    items::item(token, &keys)
}

fn same_item(a: &FeedbackItem, b: &FeedbackItem) -> bool {
    a.id == b.id && a.tenant_id == b.tenant_id && a.customer_id == b.customer_id
}

#[async_trait]
impl FeedbackStore for ItemStore {
    #[tracing::instrument(skip(self))]
    async fn get_feedback_site(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Option<FeedbackSite>, StoreError> {
        self.get_record(
            Key::new(owner_pk(tenant, customer), SITE_SK),
            true,
            "Failed to read the feedback site",
        )
        .await
    }

    #[tracing::instrument(skip_all, fields(tenant = %next.tenant_id, customer = %next.customer_id))]
    async fn save_feedback_site(
        &self,
        current: Option<&FeedbackSite>,
        next: &FeedbackSite,
    ) -> Result<(), StoreError> {
        if current
            .is_some_and(|c| c.tenant_id != next.tenant_id || c.customer_id != next.customer_id)
        {
            return Err(anyhow::anyhow!("A feedback site can only replace its own").into());
        }
        let condition = match current {
            None => Condition::NotExists,
            Some(c) => Condition::equals("version", c.version),
        };
        let item = items::item(
            next,
            &Keys::new(owner_pk(next.tenant_id, next.customer_id), SITE_SK),
        )?;
        let mut writes = vec![Write::put(item).when(condition)];
        let (t, c) = (next.tenant_id, next.customer_id);
        let before = current.map(FeedbackSite::origins).unwrap_or_default();
        let after = next.origins();
        for gone in before.iter().filter(|o| !after.contains(o)) {
            writes.push(Write::delete(origin_key(gone, t, c)));
        }
        for new in after.iter().filter(|o| !before.contains(o)) {
            let key = origin_key(new, t, c);
            writes.push(Write::put(claim_item(
                key,
                &[("origin", new.as_str().to_owned())],
            )));
        }
        self.transact(writes, None, "Failed to save the feedback site")
            .await
    }

    #[tracing::instrument(skip(self))]
    async fn feedback_origin_registered(&self, origin: &Origin) -> Result<bool, StoreError> {
        let query = Query::primary(origin_pk(origin)).limit(1);
        let found = self
            .table
            .query(&query)
            .await
            .map_err(|e| unexpected(e, "Failed to look up the feedback origin"))?;
        Ok(!found.items.is_empty())
    }

    #[tracing::instrument(skip(self))]
    async fn last_feedback_number(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<u32, StoreError> {
        let board = self
            .table
            .get(&Key::new(owner_pk(tenant, customer), BOARD_SK), true)
            .await
            .map_err(|e| unexpected(e, "Failed to read the feedback numbers"))?;
        Ok(board
            .and_then(|b| b.get(LAST_NUMBER).and_then(serde_json::Value::as_u64))
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0))
    }

    #[tracing::instrument(skip(self))]
    async fn feedback_page_count(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        page: &SiteUrl,
    ) -> Result<u32, StoreError> {
        let counter = self
            .table
            .get(&page_count_key(tenant, customer, page), true)
            .await
            .map_err(|e| unexpected(e, "Failed to count the page's feedback"))?;
        Ok(counter
            .and_then(|b| b.get(COUNT).and_then(serde_json::Value::as_u64))
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0))
    }

    #[tracing::instrument(skip_all, fields(item = %item.id, number = item.number))]
    async fn create_feedback_item(
        &self,
        item: &FeedbackItem,
        page_max: u32,
        notice: &FeedbackNotice,
    ) -> Result<(), StoreError> {
        if notice.tenant_id != item.tenant_id || notice.customer_id != item.customer_id {
            return Err(anyhow::anyhow!("A notice belongs to its item's customer").into());
        }
        let (t, c) = (item.tenant_id, item.customer_id);
        let board_condition = match item.number {
            0 => return Err(anyhow::anyhow!("Item numbers start at 1").into()),
            1 => Condition::NotExists,
            n => Condition::equals(LAST_NUMBER, n - 1),
        };
        let board = Update::new(Key::new(owner_pk(t, c), BOARD_SK))
            .set(LAST_NUMBER, item.number)
            .when(board_condition);
        let page = Update::new(page_count_key(t, c, &item.page_url))
            .add(COUNT, 1)
            .when(Condition::NotExists.or(Condition::less_than(COUNT, i64::from(page_max))));
        let writes = vec![
            board.into(),
            page.into(),
            Write::put(item_item(item)?).when(Condition::NotExists),
            notice_put(notice)?,
        ];
        self.transact(writes, None, "Failed to store the feedback item")
            .await
    }

    #[tracing::instrument(skip(self))]
    async fn get_feedback_item(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FeedbackItemId,
    ) -> Result<Option<FeedbackItem>, StoreError> {
        self.get_record(
            item_key(tenant, customer, id),
            true,
            "Failed to read the feedback item",
        )
        .await
    }

    #[tracing::instrument(skip(self))]
    async fn list_feedback_items(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        after: Option<FeedbackItemId>,
        limit: usize,
    ) -> Result<Page<FeedbackItem, FeedbackItemId>, StoreError> {
        let pk = owner_pk(tenant, customer);
        let cursor = after.map(|id| Cursor::from(Key::new(pk.clone(), item_sk(id))));
        let query = Query::primary(pk)
            .begins_with("FEEDBACK#")
            .after(cursor)
            .limit(limit)
            .consistent();
        let listed = self
            .list::<FeedbackItem>(query, "Failed to list the feedback items")
            .await?;
        let next = if listed.more {
            listed.records.last().map(|i| i.id)
        } else {
            None
        };
        Ok(Page {
            items: listed.records,
            next,
        })
    }

    #[tracing::instrument(skip(self))]
    async fn newest_feedback_items(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        limit: usize,
    ) -> Result<Vec<FeedbackItem>, StoreError> {
        let query = Query::primary(owner_pk(tenant, customer))
            .begins_with("FEEDBACK#")
            .descending()
            .limit(limit);
        let listed = self
            .list::<FeedbackItem>(query, "Failed to list the newest feedback items")
            .await?;
        Ok(listed.records)
    }

    #[tracing::instrument(skip(self))]
    async fn list_feedback_page(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        page: &SiteUrl,
    ) -> Result<Vec<FeedbackItem>, StoreError> {
        let query = Query::gsi1(page_index_pk(tenant, customer, page))
            .sk(SkCondition::BeginsWith("FEEDBACK#".to_owned()));
        self.list_all(query, "Failed to list the page's feedback")
            .await
    }

    #[tracing::instrument(skip_all, fields(item = %current.id, version = current.version))]
    async fn update_feedback_item(
        &self,
        current: &FeedbackItem,
        next: &FeedbackItem,
        reply: Option<&FeedbackReply>,
        notice: Option<&FeedbackNotice>,
    ) -> Result<(), StoreError> {
        let belongs = same_item(current, next)
            && reply.is_none_or(|r| r.item_id == next.id)
            && notice.is_none_or(|n| {
                n.item_id == next.id
                    && n.tenant_id == next.tenant_id
                    && n.customer_id == next.customer_id
            });
        if !belongs || next.page_url != current.page_url {
            return Err(anyhow::anyhow!("An item's change must stay with the item").into());
        }
        let mut writes =
            vec![Write::put(item_item(next)?).when(Condition::equals("version", current.version))];
        if let Some(reply) = reply {
            writes.push(
                Write::put(reply_item(next.tenant_id, next.customer_id, reply)?)
                    .when(Condition::NotExists),
            );
        }
        if let Some(notice) = notice {
            writes.push(notice_put(notice)?);
        }
        if writes.len() == 1 {
            let single = writes.remove(0);
            return match self
                .write(single, "Failed to update the feedback item")
                .await?
            {
                Ok(_) => Ok(()),
                Err(_) => Err(StoreError::VersionConflict),
            };
        }
        self.transact(writes, None, "Failed to update the feedback item")
            .await
    }

    #[tracing::instrument(skip(self))]
    async fn mark_feedback_seen(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FeedbackItemId,
    ) -> Result<(), StoreError> {
        let update = Update::new(item_key(tenant, customer, id))
            .set("customerUnseen", false)
            .when(Condition::Exists);
        // Gone meanwhile: nothing to mark.
        self.write(update.into(), "Failed to mark the feedback seen")
            .await?
            .ok();
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    async fn list_feedback_replies(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FeedbackItemId,
    ) -> Result<Vec<FeedbackReply>, StoreError> {
        let query = Query::primary(owner_pk(tenant, customer))
            .begins_with(format!("FEEDBACKREPLY#{id}#"))
            .consistent();
        self.list_all(query, "Failed to list the replies").await
    }

    #[tracing::instrument(skip_all, fields(token = %token.id))]
    async fn create_feedback_token(&self, token: &FeedbackToken) -> Result<(), StoreError> {
        let put = Write::put(token_item(token)?).when(Condition::NotExists);
        self.write(put, "Failed to store the feedback token")
            .await?
            .map_err(|_| StoreError::AlreadyExists)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn find_feedback_token(
        &self,
        hash: &TokenHash,
    ) -> Result<Option<FeedbackToken>, StoreError> {
        self.get_record(
            token_key(hash),
            true,
            "Failed to look up the feedback token",
        )
        .await
    }

    #[tracing::instrument(skip(self))]
    async fn revoke_feedback_tokens(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let query = Query::gsi1(tokens_pk(tenant, customer)).begins_with("FEEDBACKTOKEN#");
        let tokens: Vec<FeedbackToken> = self
            .list_all(query, "Failed to list the feedback tokens")
            .await?;
        let mut revoked = 0;
        for token in tokens.iter().filter(|t| t.revoked_at.is_none()) {
            let update = Update::new(token_key(&token.hash))
                .set("revokedAt", timestamp(at))
                .when(Condition::Exists.and(Condition::absent("revokedAt")));
            if self
                .write(update.into(), "Failed to revoke a feedback token")
                .await?
                .is_ok()
            {
                revoked += 1;
            }
        }
        Ok(revoked)
    }

    #[tracing::instrument(skip(self))]
    async fn due_feedback_notices(
        &self,
        cutoff: DateTime<Utc>,
    ) -> Result<Vec<(TenantId, CustomerId, NoticeTo)>, StoreError> {
        // Every index key starts with a year; `~` sorts after every character a key part
        // holds: all notices up to the cutoff. (DynamoDB refuses an empty bound.)
        let query = Query::gsi1(NOTICES).sk(SkCondition::Between(
            "0".to_owned(),
            format!("{}~", notice_index_sk(cutoff)),
        ));
        let due: Vec<FeedbackNotice> = self
            .list_all(query, "Failed to find due feedback notices")
            .await?;
        let mut groups: Vec<(TenantId, CustomerId, NoticeTo)> = due
            .iter()
            .map(|n| (n.tenant_id, n.customer_id, n.to))
            .collect();
        groups.sort();
        groups.dedup();
        Ok(groups)
    }

    #[tracing::instrument(skip(self))]
    async fn feedback_notices(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        to: NoticeTo,
    ) -> Result<Vec<FeedbackNotice>, StoreError> {
        let query = Query::primary(owner_pk(tenant, customer))
            .begins_with(format!("FEEDBACKNOTICE#{}#", to.as_str()))
            .limit(100)
            .consistent();
        Ok(self
            .list(query, "Failed to read the feedback notices")
            .await?
            .records)
    }

    #[tracing::instrument(skip_all, fields(count = notices.len()))]
    async fn claim_feedback_notices(&self, notices: &[FeedbackNotice]) -> Result<(), StoreError> {
        if notices.is_empty() {
            return Ok(());
        }
        let writes = notices
            .iter()
            .map(|n| Write::delete(notice_key(n)).when(Condition::Exists))
            .collect();
        self.transact(writes, None, "Failed to claim the feedback notices")
            .await
    }
}
