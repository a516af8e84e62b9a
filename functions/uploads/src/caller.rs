//! Who calls a file route, and whose files the call may reach: a customer reaches their own
//! files only; staff (API key or staff session) reach the files of a customer of their
//! agency, named by `customerId`.

use axum::{
    extract::FromRequestParts,
    http::{Method, request::Parts},
};
use portal::{
    domain::{Actor, CustomerId, Subject, TenantId, Uploader},
    http::{ApiError, StaffAuth, UserSession},
};

use crate::UploadsState;

#[derive(Debug, Clone, Copy)]
pub enum Caller {
    Customer {
        tenant: TenantId,
        customer: CustomerId,
    },
    Staff(StaffAuth),
}

impl FromRequestParts<UploadsState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &UploadsState,
    ) -> Result<Self, Self::Rejection> {
        match StaffAuth::from_request_parts(parts, state).await {
            Ok(staff) => Ok(Caller::Staff(staff)),
            // A customer's session: the same token, read as the customer's.
            Err(ApiError::StaffOnly) => {
                let session = UserSession::from_request_parts(parts, state).await?;
                // The session lets a cookie's form post through for a page handler to check
                // the body's token; the routes behind this extractor read no body token, so
                // every change by cookie must have sent the header (as in forms and feedback).
                if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
                    session.check_form_csrf(None)?;
                }
                match session.account.subject {
                    Subject::Customer(customer) => Ok(Caller::Customer {
                        tenant: session.account.tenant_id,
                        customer,
                    }),
                    Subject::Staff(_) => Err(ApiError::StaffOnly),
                }
            }
            Err(other) => Err(other),
        }
    }
}

/// The customer whose files a request reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub tenant: TenantId,
    pub customer: CustomerId,
    /// Who a file uploaded in this request is recorded as uploaded by.
    pub uploader: Uploader,
}

impl Caller {
    /// The customer this request acts on. A customer may name only themselves; staff must
    /// name a customer of their agency (404 for any other, as for one that doesn't exist).
    pub async fn owner(
        self,
        state: &UploadsState,
        customer_id: Option<&str>,
    ) -> Result<Owner, ApiError> {
        let parsed = portal::http::customer_id_param(customer_id)?;
        match self {
            Caller::Customer { tenant, customer } => match parsed {
                Some(other) if other != customer => Err(ApiError::NotFound("customer")),
                _ => Ok(Owner {
                    tenant,
                    customer,
                    uploader: Uploader::Customer,
                }),
            },
            Caller::Staff(staff) => {
                let customer = parsed.ok_or_else(|| {
                    ApiError::invalid_parameter(
                        "customerId",
                        "is required for staff: the customer whose files these are",
                    )
                })?;
                state
                    .customers
                    .get_customer(staff.tenant_id, customer)
                    .await?
                    .ok_or(ApiError::NotFound("customer"))?;
                let staff_id = match staff.actor {
                    Actor::Staff { id } => Some(id),
                    _ => None,
                };
                Ok(Owner {
                    tenant: staff.tenant_id,
                    customer,
                    uploader: Uploader::Agency { staff: staff_id },
                })
            }
        }
    }
}
