//! The files an item attaches, as its readers see them: the name and whether it can still be
//! downloaded. An item keeps only the ids; a file deleted since is shown as deleted (never a
//! link that leads nowhere), so every read looks the files up again.

use std::collections::HashMap;

use portal::{
    domain::{CustomerId, FeedbackItem, FileId, FileRecord, TenantId},
    ports::StoreError,
};
use serde::Serialize;

use crate::FeedbackState;

/// The files the overlay offers to attach: the newest downloadable ones.
pub const OFFERED_MAX: usize = 100;
/// Store pages read looking for them, so a customer with many pending or quarantined files
/// can't make one request read all of them.
const OFFERED_READS: usize = 5;

/// The attached files of some items, by id; an id missing here is a file deleted since.
pub type Files = HashMap<FileId, FileRecord>;

/// The files `items` attach, read together (not one read per item or file); none when they
/// attach none.
pub async fn of(
    state: &FeedbackState,
    tenant: TenantId,
    customer: CustomerId,
    items: &[&FeedbackItem],
) -> Result<Files, StoreError> {
    let ids: Vec<FileId> = items
        .iter()
        .flat_map(|i| i.attachments.iter().copied())
        .collect();
    if ids.is_empty() {
        return Ok(Files::new());
    }
    let found = state.files.get_files(tenant, customer, &ids).await?;
    Ok(found.into_iter().map(|f| (f.id, f)).collect())
}

/// The customer's newest downloadable files, at most [`OFFERED_MAX`].
pub async fn offered(
    state: &FeedbackState,
    tenant: TenantId,
    customer: CustomerId,
) -> Result<Vec<FileRecord>, StoreError> {
    let mut offered = Vec::new();
    let mut after = None;
    for _ in 0..OFFERED_READS {
        let page = state
            .files
            .list_files(tenant, customer, None, after, OFFERED_MAX)
            .await?;
        offered.extend(page.items.into_iter().filter(|f| f.state.is_downloadable()));
        if offered.len() >= OFFERED_MAX {
            offered.truncate(OFFERED_MAX);
            break;
        }
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    Ok(offered)
}

/// One attached file as the API answers it: `state` is the file's (`available`, `pending`,
/// `quarantined`, ...) or `deleted`, and a deleted file has no name any more.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentView {
    pub file_id: FileId,
    pub name: Option<String>,
    pub state: &'static str,
}

/// The views of `ids`, in the item's order.
pub fn views(ids: &[FileId], files: &Files) -> Vec<AttachmentView> {
    ids.iter()
        .map(|id| match files.get(id) {
            Some(file) => AttachmentView {
                file_id: *id,
                name: Some(file.name.clone()),
                state: file.state.as_str(),
            },
            None => AttachmentView {
                file_id: *id,
                name: None,
                state: "deleted",
            },
        })
        .collect()
}
