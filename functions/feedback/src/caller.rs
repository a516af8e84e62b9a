//! Who asks on the portal side is [`portal::http::Caller`]: agency staff (API key or staff
//! session) acting for a customer they name in `customerId`, or a customer in their own
//! session. Every item route is scoped by it; the overlay has its own caller, the token
//! ([`crate::overlay`]). What feedback adds: the caller as the author of an item or reply.

use std::future::Future;

use portal::{
    domain::{Actor, Author, AuthorKind, Customer, CustomerId, TenantId},
    http::{ApiError, StaffAuth},
};

pub use portal::http::Caller;

use crate::FeedbackState;

/// Staff name the customer of a feedback route; the detail of the `400` when they name none.
pub const NAME_THE_CUSTOMER: &str = "is required: name the customer whose feedback this is";

/// The customer the request is about, as [`Caller::customer`] finds them, with `read` of
/// that customer's records run beside the check: one round trip instead of two. `read` is
/// keyed by the caller's own agency and the customer the request names
/// ([`Caller::named_unchecked`]), so it reaches nothing of another agency's, and its answer
/// (an error too) counts only once the check has passed: an id the caller may not reach is
/// refused as one that does not exist, after the same reads.
pub async fn customer_with<T, Fut>(
    caller: &Caller,
    state: &FeedbackState,
    named: Option<&str>,
    read: impl FnOnce(TenantId, CustomerId) -> Fut,
) -> Result<(Customer, T), ApiError>
where
    Fut: Future<Output = T>,
{
    let check = caller.customer(&*state.customers, named, NAME_THE_CUSTOMER);
    let Some(unchecked) = caller.named_unchecked(named) else {
        // Nothing to read beside the check: it refuses a request that names no customer.
        let customer = check.await?;
        let value = read(customer.tenant_id, customer.id).await;
        return Ok((customer, value));
    };
    let (customer, value) = tokio::join!(check, read(caller.tenant(), unchecked));
    let customer = customer?;
    if (customer.tenant_id, customer.id) != (caller.tenant(), unchecked) {
        return Err(anyhow::anyhow!("The checked customer is not the one named").into());
    }
    Ok((customer, value))
}

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

/// Who `staff` is as an author: their name, or the agency's for an API key. Keyed by the
/// caller's own agency alone, so it may go out beside the reads that check the customer.
pub async fn staff_author(state: &FeedbackState, staff: &StaffAuth) -> Result<Author, ApiError> {
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
