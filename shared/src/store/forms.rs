//! The forms of customers' websites (`FORM#{formId}` / `FORM`, in gsi1 under
//! `TENANT#{t}#FORMS` / `CUSTOMER#{c}#FORM#{formId}`): keyed by the public id alone, so the
//! public intake finds a form with one `GetItem`; the index lists a customer's forms.

use async_trait::async_trait;

use super::{ItemStore, customer_sk};
use crate::{
    domain::{CustomerId, Form, FormId, RetentionDays, TenantId},
    items::{self, Condition, Item, Key, Keys, Query, Update, Write},
    ports::{FormCount, FormStore, StoreError},
};

/// The attributes only the intake changes, which an edit of the settings leaves alone.
const COUNTS: [&str; 3] = ["entryCount", "spamCount", "refusedCount"];

fn form_key(id: FormId) -> Key {
    Key::new(format!("FORM#{id}"), "FORM")
}

fn forms_gsi1pk(tenant: TenantId) -> String {
    format!("TENANT#{tenant}#FORMS")
}

fn forms_gsi1sk_prefix(customer: CustomerId) -> String {
    format!("{}#FORM#", customer_sk(customer))
}

pub(crate) fn form_item(form: &Form) -> anyhow::Result<Item> {
    let key = form_key(form.id);
    let keys = Keys::new(key.pk, key.sk).gsi1(
        forms_gsi1pk(form.tenant_id),
        format!("{}{}", forms_gsi1sk_prefix(form.customer_id), form.id),
    );
    items::item(form, &keys)
}

#[async_trait]
impl FormStore for ItemStore {
    #[tracing::instrument(skip_all, fields(form = %form.id))]
    async fn create_form(&self, form: &Form) -> Result<(), StoreError> {
        let put = Write::put(form_item(form)?).when(Condition::NotExists);
        self.write(put, "Failed to store the form")
            .await?
            .map_err(|_| StoreError::AlreadyExists)?;
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    async fn get_form(&self, id: FormId) -> Result<Option<Form>, StoreError> {
        self.get_record(form_key(id), true, "Failed to read the form")
            .await
    }

    #[tracing::instrument(skip(self))]
    async fn list_forms(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Vec<Form>, StoreError> {
        let query = Query::gsi1(forms_gsi1pk(tenant)).begins_with(forms_gsi1sk_prefix(customer));
        self.list_all(query, "Failed to list the forms").await
    }

    #[tracing::instrument(skip_all, fields(form = %next.id))]
    async fn update_form(&self, current: &Form, next: &Form) -> Result<(), StoreError> {
        let mut edit =
            Update::new(form_key(next.id)).when(Condition::equals("version", current.version));
        for (name, value) in form_item(next)? {
            if [items::PK, items::SK].contains(&name.as_str()) || COUNTS.contains(&name.as_str()) {
                continue;
            }
            edit = edit.set(name, value);
        }
        // A cleared optional setting is stored as null, as a new form stores it.
        self.write(edit.into(), "Failed to update the form")
            .await?
            .map_err(|_| StoreError::VersionConflict)?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(form = %current.id))]
    async fn delete_form(&self, current: &Form) -> Result<(), StoreError> {
        let delete =
            Write::delete(form_key(current.id)).when(Condition::equals("version", current.version));
        self.write(delete, "Failed to delete the form")
            .await?
            .map_err(|_| StoreError::VersionConflict)?;
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    async fn set_retention(
        &self,
        tenant: TenantId,
        days: RetentionDays,
    ) -> Result<usize, StoreError> {
        let forms: Vec<Form> = self
            .list_all(
                Query::gsi1(forms_gsi1pk(tenant)),
                "Failed to list the agency's forms",
            )
            .await?;
        for form in &forms {
            let update = Update::new(form_key(form.id))
                .set("retentionDays", days.days())
                .when(Condition::Exists);
            // A form deleted meanwhile needs no retention.
            let _gone = self
                .write(update.into(), "Failed to set a form's retention")
                .await?;
        }
        Ok(forms.len())
    }

    #[tracing::instrument(skip(self))]
    async fn count(&self, id: FormId, what: FormCount) -> Result<(), StoreError> {
        let attribute = match what {
            FormCount::Entry => COUNTS[0],
            FormCount::Spam => COUNTS[1],
            FormCount::Refused => COUNTS[2],
        };
        let update = Update::new(form_key(id))
            .add(attribute, 1)
            .when(Condition::Exists);
        // A form deleted meanwhile has nothing left to count on.
        let _gone = self
            .write(update.into(), "Failed to count on the form")
            .await?;
        Ok(())
    }
}
