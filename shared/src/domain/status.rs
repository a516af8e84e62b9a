//! A move of a customer's project status, as its history records it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Actor, Customer, CustomerId, ProjectStatus, TenantId};

/// One change of a customer's [`ProjectStatus`]: from what to what, by whom and when. Written
/// in the same transaction as the customer it changed, never edited afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusChange {
    pub tenant_id: TenantId,
    pub customer_id: CustomerId,
    pub from: ProjectStatus,
    pub to: ProjectStatus,
    pub by: Actor,
    pub at: DateTime<Utc>,
    /// The customer's version this change made: unique per customer, so it keys the change
    /// and orders the history.
    pub version: u64,
}

impl StatusChange {
    /// `current` moved to `to` by `by` at `at`: the record after it and the change, or `None`
    /// when it already has that status (nothing to record, nobody to tell).
    pub fn of(
        current: &Customer,
        to: ProjectStatus,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Option<(Customer, StatusChange)> {
        if current.status == to {
            return None;
        }
        let mut next = current.clone();
        next.status = to;
        next.updated_at = at;
        next.version = current.version + 1;
        let change = StatusChange {
            tenant_id: current.tenant_id,
            customer_id: current.id,
            from: current.status,
            to,
            by,
            at,
            version: next.version,
        };
        Some((next, change))
    }

    /// Whether the customer is told: a preview to give feedback on, or the site went live.
    pub fn tells_the_customer(&self) -> bool {
        matches!(self.to, ProjectStatus::Feedback | ProjectStatus::Online)
    }
}
