//! Whom an account belongs to: a customer or a staff user of the agency.

use crate::AuthState;
use portal::{
    domain::{Customer, Email, Language, StaffMember, Subject, TenantId},
    ports::StoreError,
};

#[derive(Debug, Clone)]
pub(crate) enum Holder {
    Customer(Customer),
    Staff(StaffMember),
}

impl Holder {
    pub async fn load(
        app: &AuthState,
        tenant: TenantId,
        subject: Subject,
    ) -> Result<Option<Holder>, StoreError> {
        Ok(match subject {
            Subject::Customer(id) => app
                .customers
                .get_customer(tenant, id)
                .await?
                .map(Holder::Customer),
            Subject::Staff(id) => app.staff.get_staff(tenant, id).await?.map(Holder::Staff),
        })
    }

    pub fn language(&self) -> Language {
        match self {
            Holder::Customer(c) => c.language,
            Holder::Staff(s) => s.language,
        }
    }

    pub fn login_email(&self) -> Option<&Email> {
        match self {
            Holder::Customer(c) => c.login_email.as_ref(),
            Holder::Staff(s) => Some(&s.email),
        }
    }

    /// The company (a customer) or the person (staff).
    pub fn name(&self) -> &str {
        match self {
            Holder::Customer(c) => &c.company_name,
            Holder::Staff(s) => &s.name,
        }
    }

    pub fn is_active(&self) -> bool {
        match self {
            Holder::Customer(c) => c.activated_at.is_some(),
            Holder::Staff(s) => s.activated_at.is_some(),
        }
    }

    pub fn is_staff(&self) -> bool {
        matches!(self, Holder::Staff(_))
    }
}
