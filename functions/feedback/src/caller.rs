//! Who asks on the portal side is [`portal::http::Caller`]: agency staff (API key or staff
//! session) acting for a customer they name in `customerId`, or a customer in their own
//! session. Every item route is scoped by it; the overlay has its own caller, the token
//! ([`crate::overlay`]). What feedback adds: the caller as the author of an item or reply.

use portal::{
    domain::{Actor, Author, AuthorKind, Customer},
    http::{ApiError, StaffAuth},
};

pub use portal::http::Caller;

use crate::FeedbackState;

/// Staff name the customer of a feedback route; the detail of the `400` when they name none.
pub const NAME_THE_CUSTOMER: &str = "is required: name the customer whose feedback this is";

/// Who `caller` is as an author: the staff user's name, the agency's for an API key, the
/// customer's company.
pub async fn author(
    caller: &Caller,
    state: &FeedbackState,
    customer: &Customer,
) -> Result<Author, ApiError> {
    match caller {
        Caller::Customer { .. } => Ok(customer_author(customer)),
        Caller::Staff(staff) => staff_author(state, staff).await,
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
