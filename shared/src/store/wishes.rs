//! The customer's brief: the draft (`TENANT#{t}#CUSTOMER#{c}` / `WISHES`) and each
//! submission (`WISHES#SUBMISSION#{n, 10 digits}`), a submission written with the draft.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::ItemStore;
use crate::{
    domain::{
        Brief, CommentId, CustomerId, TenantId, WishesComment, WishesDraft, WishesSubmission,
    },
    items::{self, Condition, Item, Key, Keys, Query, Update, Write},
    ports::{StoreError, WishesStore},
};

fn wishes_pk(t: TenantId, c: CustomerId) -> String {
    format!("TENANT#{t}#CUSTOMER#{c}")
}

const DRAFT_SK: &str = "WISHES";

fn comment_key(t: TenantId, c: CustomerId, id: CommentId) -> Key {
    Key::new(wishes_pk(t, c), format!("WISHES#COMMENT#{id}"))
}

fn comment_item(comment: &WishesComment) -> anyhow::Result<Item> {
    let key = comment_key(comment.tenant_id, comment.customer_id, comment.id);
    items::item(comment, &Keys::new(key.pk, key.sk))
}

fn submission_sk(number: u64) -> String {
    format!("WISHES#SUBMISSION#{number:010}")
}

pub(crate) fn draft_item(d: &WishesDraft) -> anyhow::Result<Item> {
    items::item(
        d,
        &Keys::new(wishes_pk(d.tenant_id, d.customer_id), DRAFT_SK),
    )
}

fn submission_item(s: &WishesSubmission) -> anyhow::Result<Item> {
    let keys = Keys::new(
        wishes_pk(s.tenant_id, s.customer_id),
        submission_sk(s.number),
    );
    items::item(s, &keys)
}

/// The put of `next`, conditioned on the stored draft being `current`.
fn draft_put(current: Option<&WishesDraft>, next: &WishesDraft) -> anyhow::Result<Write> {
    let same_owner =
        current.is_none_or(|c| c.tenant_id == next.tenant_id && c.customer_id == next.customer_id);
    if !same_owner {
        anyhow::bail!("A draft can only replace the same customer's draft");
    }
    let condition = match current {
        None => Condition::NotExists,
        Some(c) => Condition::equals("version", c.version),
    };
    Ok(Write::put(draft_item(next)?).when(condition))
}

#[async_trait]
impl WishesStore for ItemStore {
    #[tracing::instrument(skip(self))]
    async fn get_wishes(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Option<WishesDraft>, StoreError> {
        self.get_record(
            Key::new(wishes_pk(tenant, customer), DRAFT_SK),
            true,
            "Failed to read the wishes",
        )
        .await
    }

    #[tracing::instrument(skip(self, brief))]
    async fn save_brief(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        from: u64,
        brief: &Brief,
        at: DateTime<Utc>,
    ) -> Result<WishesDraft, StoreError> {
        // An update, not a put: the submission fields stay as the store has them, so the
        // save needs no read of the draft first.
        // No stored draft has the largest version, so a request naming it has lost a race.
        let version = from.checked_add(1).ok_or(StoreError::VersionConflict)?;
        let saved = WishesDraft {
            tenant_id: tenant,
            customer_id: customer,
            brief: brief.clone(),
            version,
            updated_at: at,
            submitted: None,
            submitted_version: None,
        };
        let mut item = draft_item(&saved)?;
        let key = Key::of(&item)?;
        let mut update = Update::new(key);
        for name in ["tenantId", "customerId", "brief", "version", "updatedAt"] {
            let value = item
                .remove(name)
                .ok_or_else(|| anyhow::anyhow!("A draft's item lacks {name}"))?;
            update = update.set(name, value);
        }
        let condition = match from {
            0 => Condition::NotExists,
            from => Condition::equals("version", from),
        };
        match self
            .write(update.when(condition).into(), "Failed to save the wishes")
            .await?
        {
            Ok(Some(item)) => Ok(items::record(item)?),
            Ok(None) => Err(anyhow::anyhow!("An update answered no item").into()),
            Err(_) => Err(StoreError::VersionConflict),
        }
    }

    #[tracing::instrument(skip_all, fields(tenant = %next.tenant_id, customer = %next.customer_id, number = submission.number))]
    async fn submit_wishes(
        &self,
        current: &WishesDraft,
        next: &WishesDraft,
        submission: &WishesSubmission,
    ) -> Result<(), StoreError> {
        if submission.tenant_id != next.tenant_id || submission.customer_id != next.customer_id {
            return Err(anyhow::anyhow!("A submission belongs to its draft's customer").into());
        }
        let writes = vec![
            draft_put(Some(current), next)?,
            Write::put(submission_item(submission)?).when(Condition::NotExists),
        ];
        self.transact(writes, None, "Failed to submit the wishes")
            .await
    }

    #[tracing::instrument(skip(self))]
    async fn list_submissions(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Vec<WishesSubmission>, StoreError> {
        let query = Query::primary(wishes_pk(tenant, customer))
            .begins_with("WISHES#SUBMISSION#")
            .descending()
            .consistent();
        self.list_all(query, "Failed to list the submitted wishes")
            .await
    }

    #[tracing::instrument(skip_all, fields(comment = %comment.id))]
    async fn add_comment(&self, comment: &WishesComment) -> Result<(), StoreError> {
        let put = Write::put(comment_item(comment)?).when(Condition::NotExists);
        match self.write(put, "Failed to store the comment").await? {
            Ok(_) => Ok(()),
            Err(_) => Err(StoreError::AlreadyExists),
        }
    }

    #[tracing::instrument(skip_all, fields(comment = %current.id))]
    async fn update_comment(
        &self,
        current: &WishesComment,
        next: &WishesComment,
    ) -> Result<(), StoreError> {
        let same = current.id == next.id
            && current.tenant_id == next.tenant_id
            && current.customer_id == next.customer_id;
        if !same {
            return Err(anyhow::anyhow!("A comment can only replace itself").into());
        }
        let put =
            Write::put(comment_item(next)?).when(Condition::equals("version", current.version));
        match self.write(put, "Failed to update the comment").await? {
            Ok(_) => Ok(()),
            Err(_) => Err(StoreError::VersionConflict),
        }
    }

    #[tracing::instrument(skip(self))]
    async fn get_comment(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: CommentId,
    ) -> Result<Option<WishesComment>, StoreError> {
        self.get_record(
            comment_key(tenant, customer, id),
            true,
            "Failed to read the comment",
        )
        .await
    }

    #[tracing::instrument(skip(self))]
    async fn list_comments(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Vec<WishesComment>, StoreError> {
        let query = Query::primary(wishes_pk(tenant, customer))
            .begins_with("WISHES#COMMENT#")
            .consistent();
        self.list_all(query, "Failed to list the comments").await
    }
}
