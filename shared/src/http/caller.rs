//! Who asks a route both the agency and its customers use (forms, entries, files,
//! feedback): agency staff (API key or staff session) acting for a customer they name in
//! `customerId`, or a customer in their own session. Every such route is scoped by it.

use std::sync::Arc;

use axum::{
    extract::{FromRef, FromRequestParts},
    http::request::Parts,
};

use super::{
    ApiError, StaffAuth, UserSession,
    auth::{Presented, authenticate},
    customer_id_param,
};
use crate::{
    domain::{Actor, Customer, CustomerId, Subject, TenantId},
    ports::{ApiKeyStore, CustomerStore},
    state::SessionPorts,
};

#[derive(Debug, Clone, Copy)]
pub enum Caller {
    Staff(StaffAuth),
    Customer {
        tenant: TenantId,
        customer: CustomerId,
    },
}

impl<S> FromRequestParts<S> for Caller
where
    Arc<dyn ApiKeyStore>: FromRef<S>,
    SessionPorts: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // One read of the key or session serves both kinds of caller. None of these routes
        // takes a form post, so every change by cookie must send the CSRF header.
        match authenticate(parts, state, |_| Ok(())).await? {
            Presented::Key(staff) => Ok(Caller::Staff(staff)),
            Presented::Session(who) => Ok(Caller::of_session(&who)),
        }
    }
}

impl Caller {
    /// The caller behind a page's session, staff user or customer. A page checks its form's
    /// CSRF token itself ([`UserSession::check_form_csrf`]).
    pub fn of_session(who: &UserSession) -> Self {
        Self::of_subject(who.session.tenant_id, who.session.subject)
    }

    /// The caller a session names, before its account is checked: for reads that go out
    /// beside that check ([`super::session::PresentedSession::check_with`]).
    pub fn of_subject(tenant: TenantId, subject: Subject) -> Self {
        match subject {
            Subject::Customer(customer) => Caller::Customer { tenant, customer },
            Subject::Staff(id) => Caller::Staff(StaffAuth {
                tenant_id: tenant,
                actor: Actor::Staff { id },
            }),
        }
    }

    pub fn tenant(&self) -> TenantId {
        match self {
            Caller::Staff(staff) => staff.tenant_id,
            Caller::Customer { tenant, .. } => *tenant,
        }
    }

    /// Who the caller is in a history: the key or staff user, or the customer.
    pub fn actor(&self) -> Actor {
        match self {
            Caller::Staff(staff) => staff.actor,
            Caller::Customer { .. } => Actor::Customer,
        }
    }

    pub fn is_staff(&self) -> bool {
        matches!(self, Caller::Staff(_))
    }

    /// Whether something of `customer` at `tenant` is the caller's to reach: any of their
    /// agency's (staff), only their own (customer).
    pub fn reaches(&self, tenant: TenantId, customer: CustomerId) -> bool {
        match self {
            Caller::Staff(staff) => staff.tenant_id == tenant,
            Caller::Customer {
                tenant: own_tenant,
                customer: own,
            } => *own_tenant == tenant && *own == customer,
        }
    }

    /// The id of the customer the request is about: the one staff name in `named`
    /// (`customerId`), which must be their agency's, or the customer themself. `required` is
    /// the detail of the `400` when staff name none, in the words of the route's function.
    pub async fn customer_id(
        &self,
        customers: &dyn CustomerStore,
        named: Option<&str>,
        required: &'static str,
    ) -> Result<CustomerId, ApiError> {
        let id = self.named(named, required)?;
        // A customer's live session is proof enough of their own record.
        if self.is_staff() {
            self.load(customers, id).await?;
        }
        Ok(id)
    }

    /// The record of the customer the request is about, as [`Caller::customer_id`] finds
    /// them.
    pub async fn customer(
        &self,
        customers: &dyn CustomerStore,
        named: Option<&str>,
        required: &'static str,
    ) -> Result<Customer, ApiError> {
        let id = self.named(named, required)?;
        self.load(customers, id).await
    }

    /// The customer the request names, not yet checked: a customer's own id, or the id staff
    /// give (none when they give none or a malformed one). Only for a read that goes out
    /// beside [`Caller::customer_id`]'s check, under the caller's own agency, and whose answer
    /// is used once that check has passed: one round trip instead of two.
    pub fn named_unchecked(&self, named: Option<&str>) -> Option<CustomerId> {
        match self {
            Caller::Customer { customer, .. } => Some(*customer),
            Caller::Staff(_) => customer_id_param(named).ok().flatten(),
        }
    }

    /// A customer may name only themself: another customer is not found, as one that does
    /// not exist is, so an id reveals nothing. Not looked up: staff's id is unchecked.
    pub fn named(
        &self,
        named: Option<&str>,
        required: &'static str,
    ) -> Result<CustomerId, ApiError> {
        match (self, customer_id_param(named)?) {
            (Caller::Staff(_), None) => Err(ApiError::invalid_parameter("customerId", required)),
            (Caller::Staff(_), Some(id)) => Ok(id),
            (Caller::Customer { customer, .. }, None) => Ok(*customer),
            (Caller::Customer { customer, .. }, Some(id)) if id == *customer => Ok(id),
            (Caller::Customer { .. }, Some(_)) => Err(ApiError::NotFound("customer")),
        }
    }

    /// Looked up in the caller's agency only, so staff reach no other agency's customer.
    async fn load(
        &self,
        customers: &dyn CustomerStore,
        id: CustomerId,
    ) -> Result<Customer, ApiError> {
        customers
            .get_customer(self.tenant(), id)
            .await?
            .ok_or(ApiError::NotFound("customer"))
    }
}

#[cfg(test)]
mod tests;
