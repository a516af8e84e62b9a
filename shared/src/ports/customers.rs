//! Customers, the login email each one claims, and the links a change of one voids.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Page, StoreError};
use crate::domain::{Account, Customer, CustomerId, Invitation, TenantId, VoidReason};

#[async_trait]
pub trait CustomerStore: Send + Sync {
    /// Stores a new customer and claims its login email in one atomic step, with the marker of
    /// its open invitations: none, as [`super::OpenInvitations::of_new_customer`] says.
    async fn create_customer(&self, customer: &Customer) -> Result<(), StoreError>;
    async fn get_customer(
        &self,
        tenant: TenantId,
        id: CustomerId,
    ) -> Result<Option<Customer>, StoreError>;
    /// Customers in creation order, `limit` at most, starting after `after`.
    async fn list_customers(
        &self,
        tenant: TenantId,
        after: Option<CustomerId>,
        limit: usize,
    ) -> Result<Page<Customer, CustomerId>, StoreError>;
    /// Replaces `current` by `next` if the stored version is still `current.version`;
    /// moves the login email claim and applies `voids` in the same atomic step. A change of
    /// the login email must come with the voids [`crate::links::voids_for`] gives.
    async fn update_customer(
        &self,
        current: &Customer,
        next: &Customer,
        voids: &LinkVoids<'_>,
    ) -> Result<(), StoreError>;
    /// Deletes `current` if unchanged, releasing its login email, deleting its account and
    /// applying `voids` (its open invitations) in the same atomic step.
    async fn delete_customer(
        &self,
        current: &Customer,
        voids: &LinkVoids<'_>,
    ) -> Result<(), StoreError>;
}

/// The links a change of a customer voids with it, in the same atomic step: what
/// [`crate::links::voids_for`] finds. Each record is written only if unchanged since read,
/// so a link can't be used, or an invitation issued, in between and survive.
#[derive(Debug, Default, Clone, Copy)]
pub struct LinkVoids<'a> {
    /// Open invitations, before and after (revoked); their tokens are voided for `reason`.
    pub invitations: &'a [(Invitation, Invitation)],
    /// Why and when, for the invitations' tokens.
    pub reason: Option<(VoidReason, DateTime<Utc>)>,
    /// The account before and after its session epoch moved: its sessions and every reset
    /// link sent before end.
    pub account: Option<(&'a Account, &'a Account)>,
    /// The customer's marker of open invitations as read before them: the change is written
    /// only if it is still so, even when nothing is voided, since a send that commits in
    /// between leaves the customer's version as it was. `None`: not read (nothing to guard).
    pub open: Option<OpenRead>,
}

/// The version of a customer's marker of open invitations as read; `version: None` where
/// there was none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenRead {
    pub version: Option<u64>,
}
