//! Who asks on the portal side: agency staff (API key or staff session) acting for a
//! customer they name in `customerId`, or a customer in their own session. Every item route
//! is scoped by it; the overlay has its own caller, the token ([`crate::overlay`]).

use axum::{
    extract::FromRequestParts,
    http::{Method, request::Parts},
};
use portal::{
    domain::{Actor, Author, AuthorKind, Customer, Subject, TenantId},
    http::{ApiError, StaffAuth, UserSession},
};

use crate::FeedbackState;

#[derive(Debug, Clone, Copy)]
pub enum Caller {
    Staff(StaffAuth),
    Customer {
        tenant: TenantId,
        customer: portal::domain::CustomerId,
    },
}

impl FromRequestParts<FeedbackState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &FeedbackState,
    ) -> Result<Self, Self::Rejection> {
        match StaffAuth::from_request_parts(parts, state).await {
            Ok(staff) => Ok(Caller::Staff(staff)),
            Err(ApiError::StaffOnly) => {
                let who = UserSession::from_request_parts(parts, state).await?;
                // These routes take JSON only, so every change by cookie must carry the
                // session's CSRF header (form posts check their field themselves).
                if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
                    who.check_form_csrf(None)?;
                }
                match who.session.subject {
                    Subject::Customer(customer) => Ok(Caller::Customer {
                        tenant: who.session.tenant_id,
                        customer,
                    }),
                    Subject::Staff(_) => Err(ApiError::StaffOnly),
                }
            }
            Err(other) => Err(other),
        }
    }
}

impl Caller {
    pub fn tenant(&self) -> TenantId {
        match self {
            Caller::Staff(staff) => staff.tenant_id,
            Caller::Customer { tenant, .. } => *tenant,
        }
    }

    pub fn is_staff(&self) -> bool {
        matches!(self, Caller::Staff(_))
    }

    /// The customer the request is about: the one staff name in `customerId` (which must be
    /// their agency's), or the customer themself (naming another is not found).
    pub async fn customer(
        &self,
        state: &FeedbackState,
        named: Option<&str>,
    ) -> Result<Customer, ApiError> {
        let parsed = portal::http::customer_id_param(named)?;
        let id = match (self, parsed) {
            (Caller::Staff(_), None) => {
                return Err(ApiError::invalid_parameter(
                    "customerId",
                    "is required: name the customer whose feedback this is",
                ));
            }
            (Caller::Staff(_), Some(id)) => id,
            (Caller::Customer { customer, .. }, None) => *customer,
            (Caller::Customer { customer, .. }, Some(id)) if id == *customer => id,
            (Caller::Customer { .. }, Some(_)) => return Err(ApiError::NotFound("customer")),
        };
        state
            .customers
            .get_customer(self.tenant(), id)
            .await?
            .ok_or(ApiError::NotFound("customer"))
    }

    /// Who the caller is as an author: the staff user's name, the agency's for an API key,
    /// the customer's company.
    pub async fn author(
        &self,
        state: &FeedbackState,
        customer: &Customer,
    ) -> Result<Author, ApiError> {
        match self {
            Caller::Customer { .. } => Ok(customer_author(customer)),
            Caller::Staff(staff) => staff_author(state, staff).await,
        }
    }
}

pub fn customer_author(customer: &Customer) -> Author {
    Author {
        kind: AuthorKind::Customer,
        name: customer.company_name.clone(),
        actor: Some(Actor::Customer),
    }
}

async fn staff_author(state: &FeedbackState, staff: &StaffAuth) -> Result<Author, ApiError> {
    let name = match staff.actor {
        Actor::Staff { id } => state
            .staff
            .get_staff(staff.tenant_id, id)
            .await?
            .map(|member| member.name),
        _ => None,
    };
    let name = match name {
        Some(name) => name,
        None => staff.tenant(state).await?.name,
    };
    Ok(Author {
        kind: AuthorKind::Staff,
        name,
        actor: Some(staff.actor),
    })
}
