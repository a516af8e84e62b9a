//! Who asks: agency staff (API key or staff session) acting for a customer they name, or a
//! customer in their own session. Every form and entry route is scoped by it.

use axum::{
    extract::FromRequestParts,
    http::{Method, request::Parts},
};
use portal::{
    domain::{Actor, CustomerId, Form, Subject, TenantId},
    http::{ApiError, StaffAuth, UserSession},
};

use crate::FormsState;

#[derive(Debug, Clone, Copy)]
pub enum Caller {
    Staff(StaffAuth),
    Customer {
        tenant: TenantId,
        customer: CustomerId,
    },
}

impl FromRequestParts<FormsState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &FormsState,
    ) -> Result<Self, Self::Rejection> {
        match StaffAuth::from_request_parts(parts, state).await {
            Ok(staff) => Ok(Caller::Staff(staff)),
            // A customer's session: the same token, read as theirs (with its own CSRF check).
            Err(ApiError::StaffOnly) => {
                let who = UserSession::from_request_parts(parts, state).await?;
                // The session lets a cookie-authenticated form post through for its handler
                // to check the body's token; these routes take no form posts, so every change
                // by cookie must have sent the header.
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

    pub fn actor(&self) -> Actor {
        match self {
            Caller::Staff(staff) => staff.actor,
            Caller::Customer { .. } => Actor::Customer,
        }
    }

    /// The customer the request is about: the one staff name in `customerId` (which must
    /// be their agency's), or the customer themself (naming another is not found).
    pub async fn customer(
        &self,
        state: &FormsState,
        named: Option<&str>,
    ) -> Result<CustomerId, ApiError> {
        let parsed = portal::http::customer_id_param(named)?;
        match (self, parsed) {
            (Caller::Staff(_), None) => Err(ApiError::invalid_parameter(
                "customerId",
                "is required: name the customer whose forms these are",
            )),
            (Caller::Staff(staff), Some(id)) => state
                .customers
                .get_customer(staff.tenant_id, id)
                .await?
                .map(|c| c.id)
                .ok_or(ApiError::NotFound("customer")),
            (Caller::Customer { customer, .. }, None) => Ok(*customer),
            (Caller::Customer { customer, .. }, Some(id)) if id == *customer => Ok(id),
            (Caller::Customer { .. }, Some(_)) => Err(ApiError::NotFound("customer")),
        }
    }

    /// Whether `form` is the caller's to see: their agency's (staff), their own (customer).
    pub fn may_see(&self, form: &Form) -> bool {
        match self {
            Caller::Staff(staff) => form.tenant_id == staff.tenant_id,
            Caller::Customer { tenant, customer } => {
                form.tenant_id == *tenant && form.customer_id == *customer
            }
        }
    }
}
