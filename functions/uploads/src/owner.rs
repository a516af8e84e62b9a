//! Whose files a request reaches: a customer reaches their own files only; staff (API key or
//! staff session) reach the files of a customer of their agency, named by `customerId`.

use portal::{
    domain::{Actor, CustomerId, TenantId, Uploader},
    http::{ApiError, Caller},
};

use crate::UploadsState;

/// Staff name the customer of a file route; the detail of the `400` when they name none.
pub(crate) const NAME_THE_CUSTOMER: &str =
    "is required for staff: the customer whose files these are";

/// The customer whose files a request reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub tenant: TenantId,
    pub customer: CustomerId,
    /// Who a file uploaded in this request is recorded as uploaded by.
    pub uploader: Uploader,
}

impl Owner {
    /// The customer `caller` acts on. A customer may name only themselves; staff must name a
    /// customer of their agency (404 for any other, as for one that doesn't exist).
    pub async fn of(
        caller: Caller,
        state: &UploadsState,
        customer_id: Option<&str>,
    ) -> Result<Owner, ApiError> {
        let customer = caller
            .customer_id(&*state.customers, customer_id, NAME_THE_CUSTOMER)
            .await?;
        Ok(Self::of_customer(caller, customer))
    }

    /// The customer `caller` names, not yet looked up in the store: only for a route whose
    /// own read of that customer under the caller's agency is the check (the files page),
    /// and which uses nothing it read beside it, nor writes anything, before it passed.
    pub fn unchecked(caller: Caller, customer_id: Option<&str>) -> Result<Owner, ApiError> {
        let customer = caller.named(customer_id, NAME_THE_CUSTOMER)?;
        Ok(Self::of_customer(caller, customer))
    }

    fn of_customer(caller: Caller, customer: CustomerId) -> Owner {
        let uploader = match caller {
            Caller::Customer { .. } => Uploader::Customer,
            Caller::Staff(staff) => Uploader::Agency {
                staff: match staff.actor {
                    Actor::Staff { id } => Some(id),
                    _ => None,
                },
            },
        };
        Owner {
            tenant: caller.tenant(),
            customer,
            uploader,
        }
    }
}
