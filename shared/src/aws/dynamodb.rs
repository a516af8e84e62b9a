//! The single-table DynamoDB adapter. Key design (see README, "Data"):
//!
//! | item        | pk                   | sk                | gsi1pk         | gsi1sk            |
//! |-------------|----------------------|-------------------|----------------|-------------------|
//! | tenant      | `TENANT#{t}`         | `TENANT`          | `TENANTS`      | `TENANT#{t}`      |
//! | API key     | `APIKEY#{sha256}`    | `APIKEY`          | `TENANT#{t}`   | `APIKEY#{id}`     |
//! | customer    | `TENANT#{t}`         | `CUSTOMER#{c}`    |                |                   |
//! | login claim | `LOGIN#{email}`      | `LOGIN`           |                |                   |
//! | host claim  | `HOST#{host[:port]}` | `HOST`            |                |                   |
//! | staff user  | `TENANT#{t}`         | `STAFF#{s}`       |                |                   |
//! | invitation  | `TENANT#{t}#CUSTOMER#{c}` | `INVITATION#{i}` |          |                   |
//! | account     | `TENANT#{t}#CUSTOMER#{c}` or `TENANT#{t}#STAFF#{s}` | `ACCOUNT` | |        |
//! | session     | `SESSION#{sha256}`   | `SESSION`         |                |                   |
//! | link token  | `TOKEN#{sha256}`     | `TOKEN`           |                |                   |
//! | template    | `TENANT#{t}`         | `TEMPLATE#{channel}#{lang}` |      |                   |
//! | idempotency | `IDEMPOTENCY#{t}#{key}` | `IDEMPOTENCY`  |                |                   |

use std::collections::HashMap;

use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_dynamodb::{
    Client,
    error::SdkError,
    operation::transact_write_items::TransactWriteItemsError,
    types::{AttributeValue, ConditionCheck, Delete, Put, ReturnValue, TransactWriteItem},
};
use chrono::{DateTime, Utc};
use serde::{Serialize, de::DeserializeOwned};
use serde_dynamo::aws_sdk_dynamodb_1::{from_item, to_item};

use crate::{
    domain::{
        Account, ApiKeyHash, ApiKeyId, ApiKeyRecord, Channel, Customer, CustomerId, Email,
        Invitation, InvitationId, Language, LoginOwner, SessionRecord, StaffId, StaffMember,
        Subject, Tenant, TenantId, TokenHash, TokenRecord, VoidReason,
    },
    ports::{
        AccountStore, ApiKeyStore, CustomerStore, IdempotencyStart, IdempotencyStore,
        InvitationStore, Page, RateLimitStore, Redemption, SessionStore, StaffStore, StoreError,
        StoredResponse, TemplateOverride, TemplateStore, TenantStore,
    },
};

type Item = HashMap<String, AttributeValue>;

use super::dynamodb_table::{GSI1, TTL_ATTRIBUTE};

#[derive(Clone)]
pub struct DynamoDbStore {
    client: Client,
    table: String,
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn tenant_pk(t: TenantId) -> String {
    format!("TENANT#{t}")
}

fn customer_sk(c: CustomerId) -> String {
    format!("CUSTOMER#{c}")
}

fn invitations_pk(t: TenantId, c: CustomerId) -> String {
    format!("TENANT#{t}#CUSTOMER#{c}")
}

fn staff_sk(id: StaffId) -> String {
    format!("STAFF#{id}")
}

/// The sort key of the customer or staff record under `TENANT#{t}`.
fn subject_sk(subject: Subject) -> String {
    match subject {
        Subject::Customer(c) => customer_sk(c),
        Subject::Staff(id) => staff_sk(id),
    }
}

/// Where a customer's or staff user's account lives.
fn account_pk(t: TenantId, subject: Subject) -> String {
    format!("TENANT#{t}#{}", subject_sk(subject))
}

fn token_pk(hash: &TokenHash) -> String {
    format!("TOKEN#{}", hash.as_str())
}

fn idempotency_pk(t: TenantId, key: &str) -> String {
    format!("IDEMPOTENCY#{t}#{key}")
}

/// DynamoDB's TTL attribute: seconds since the epoch. TTL deletes late; code checks expiry itself.
fn ttl(at: DateTime<Utc>) -> AttributeValue {
    AttributeValue::N(at.timestamp().to_string())
}

fn host_pk(host: &str) -> String {
    format!("HOST#{host}")
}

fn login_pk(email: &Email) -> String {
    format!("LOGIN#{}", email.normalized())
}

/// `value`'s attributes plus the item's keys.
fn item<T: Serialize>(value: &T, keys: &[(&str, String)]) -> anyhow::Result<Item> {
    let mut item: Item = to_item(value).context("Failed to convert a record to a DynamoDB item")?;
    for (name, key) in keys {
        item.insert((*name).to_owned(), s(key.clone()));
    }
    Ok(item)
}

fn record<T: DeserializeOwned>(item: Item) -> anyhow::Result<T> {
    from_item(item).context("Failed to read a DynamoDB item")
}

/// Whether the SDK error is a failed condition on a single-item write.
fn is_condition_failure<E, R>(err: &SdkError<E, R>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    err.as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "ConditionalCheckFailedException")
}

/// A conditional write's result: `on_failure` when its condition did not hold.
fn unless_condition_failed<O, E, R>(
    result: Result<O, SdkError<E, R>>,
    on_failure: StoreError,
    what: &'static str,
) -> Result<O, StoreError>
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        Ok(out) => Ok(out),
        Err(e) if is_condition_failure(&e) => Err(on_failure),
        Err(e) => Err(anyhow::Error::new(e).context(what).into()),
    }
}

/// For a cancelled transaction, which of its items failed their condition.
fn failed_conditions<R>(err: &SdkError<TransactWriteItemsError, R>) -> Option<Vec<bool>> {
    match err.as_service_error()? {
        TransactWriteItemsError::TransactionCanceledException(e) => Some(
            e.cancellation_reasons()
                .iter()
                .map(|r| r.code() == Some("ConditionalCheckFailed"))
                .collect(),
        ),
        _ => None,
    }
}

/// Whether DynamoDB cancelled the transaction because another one was changing its items.
fn is_transaction_conflict<R>(err: &SdkError<TransactWriteItemsError, R>) -> bool {
    match err.as_service_error() {
        Some(TransactWriteItemsError::TransactionCanceledException(e)) => e
            .cancellation_reasons()
            .iter()
            .any(|r| r.code() == Some("TransactionConflict")),
        _ => false,
    }
}

impl DynamoDbStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    fn put(&self, item: Item) -> Put {
        Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .build()
            .expect("table and item are set")
    }

    fn delete(&self, pk: String, sk: &str) -> Delete {
        Delete::builder()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .build()
            .expect("table and key are set")
    }

    /// One item as a record, or `None`. `consistent` reads see every write before them.
    async fn get_record<T: DeserializeOwned>(
        &self,
        pk: impl Into<String>,
        sk: impl Into<String>,
        consistent: bool,
        what: &'static str,
    ) -> Result<Option<T>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .consistent_read(consistent)
            .send()
            .await
            .context(what)?;
        Ok(out.item.map(record).transpose()?)
    }

    /// A put that must meet `condition`; `on_failure` when it does not.
    async fn conditional_put(
        &self,
        item: Item,
        condition: &str,
        on_failure: StoreError,
        what: &'static str,
    ) -> Result<(), StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(condition)
            .send()
            .await;
        unless_condition_failed(result, on_failure, what).map(|_| ())
    }

    /// Every page of `query`, as records.
    async fn query_all<T: DeserializeOwned>(
        &self,
        query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
        what: &'static str,
    ) -> Result<Vec<T>, StoreError> {
        let items = query
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .context(what)?;
        Ok(items
            .into_iter()
            .map(record)
            .collect::<anyhow::Result<_>>()?)
    }

    fn versioned_put(&self, item: Item, previous_version: u64) -> TransactWriteItem {
        let mut put = self.put(item);
        put.condition_expression = Some("version = :v".into());
        put.expression_attribute_values = Some(HashMap::from([(
            ":v".to_owned(),
            AttributeValue::N(previous_version.to_string()),
        )]));
        TransactWriteItem::builder().put(put).build()
    }

    fn new_put(&self, item: Item) -> TransactWriteItem {
        let mut put = self.put(item);
        put.condition_expression = Some("attribute_not_exists(pk)".into());
        TransactWriteItem::builder().put(put).build()
    }

    fn invitation_item(&self, i: &Invitation) -> anyhow::Result<Item> {
        item(
            i,
            &[
                ("pk", invitations_pk(i.tenant_id, i.customer_id)),
                ("sk", format!("INVITATION#{}", i.id)),
            ],
        )
    }

    fn token_item(&self, token: &TokenRecord) -> anyhow::Result<Item> {
        let mut item = item(
            token,
            &[("pk", token_pk(&token.hash)), ("sk", "TOKEN".into())],
        )?;
        item.insert(TTL_ATTRIBUTE.to_owned(), ttl(token.expires_at));
        Ok(item)
    }

    /// Replaces the invitation's token by its voided form (kept until TTL removes it).
    fn token_void(
        &self,
        invitation: &Invitation,
        reason: VoidReason,
        at: DateTime<Utc>,
    ) -> anyhow::Result<TransactWriteItem> {
        let voided = TokenRecord::for_invitation(invitation).voided(at, reason);
        Ok(TransactWriteItem::builder()
            .put(self.put(self.token_item(&voided)?))
            .build())
    }

    fn customer_item(&self, c: &Customer) -> anyhow::Result<Item> {
        item(
            c,
            &[("pk", tenant_pk(c.tenant_id)), ("sk", customer_sk(c.id))],
        )
    }

    fn login_claim(&self, c: &Customer, email: &Email) -> TransactWriteItem {
        self.claim_login(c.tenant_id, Subject::Customer(c.id), email)
    }

    /// Claims a login email for a customer (`customerId`) or staff user (`staffId`).
    fn claim_login(&self, tenant: TenantId, subject: Subject, email: &Email) -> TransactWriteItem {
        let owner = match subject {
            Subject::Customer(c) => ("customerId".to_owned(), s(c.to_string())),
            Subject::Staff(id) => ("staffId".to_owned(), s(id.to_string())),
        };
        let claim = HashMap::from([
            ("pk".to_owned(), s(login_pk(email))),
            ("sk".to_owned(), s("LOGIN")),
            ("tenantId".to_owned(), s(tenant.to_string())),
            owner,
        ]);
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(claim))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .expect("table and item are set");
        TransactWriteItem::builder().put(put).build()
    }

    fn login_release(&self, c: &Customer, email: &Email) -> TransactWriteItem {
        let mut delete = self.delete(login_pk(email), "LOGIN");
        delete.condition_expression = Some("customerId = :c".into());
        delete.expression_attribute_values =
            Some(HashMap::from([(":c".to_owned(), s(c.id.to_string()))]));
        TransactWriteItem::builder().delete(delete).build()
    }

    /// Runs a transaction whose item `login_index` (if any) claims a login email.
    async fn transact(
        &self,
        items: Vec<TransactWriteItem>,
        login_claim_index: Option<usize>,
        what: &'static str,
    ) -> Result<(), StoreError> {
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) => match failed_conditions(&err) {
                Some(failed) if login_claim_index.is_some_and(|i| failed.get(i) == Some(&true)) => {
                    Err(StoreError::LoginEmailTaken)
                }
                Some(failed) if failed.iter().any(|f| *f) => Err(StoreError::VersionConflict),
                // Another transaction was changing one of the items at that moment: it won.
                _ if is_transaction_conflict(&err) => Err(StoreError::VersionConflict),
                _ => Err(StoreError::Unexpected(
                    anyhow::Error::new(err).context(what),
                )),
            },
        }
    }
}

fn tenant_item(tenant: &Tenant) -> anyhow::Result<Item> {
    item(
        tenant,
        &[
            ("pk", tenant_pk(tenant.id)),
            ("sk", "TENANT".into()),
            ("gsi1pk", "TENANTS".into()),
            ("gsi1sk", tenant_pk(tenant.id)),
        ],
    )
}

#[async_trait]
impl TenantStore for DynamoDbStore {
    #[tracing::instrument(skip_all, fields(tenant = %tenant.id))]
    async fn create_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        let host_claim = HashMap::from([
            ("pk".to_owned(), s(host_pk(tenant.portal_base_url.host()))),
            ("sk".to_owned(), s("HOST")),
            ("tenantId".to_owned(), s(tenant.id.to_string())),
        ]);
        let items = vec![self.new_put(tenant_item(tenant)?), self.new_put(host_claim)];
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) => match failed_conditions(&err) {
                Some(failed) if failed.first() == Some(&true) => Err(StoreError::AlreadyExists),
                Some(failed) if failed.get(1) == Some(&true) => Err(StoreError::HostTaken),
                _ => Err(anyhow::Error::new(err)
                    .context("Failed to store the tenant")
                    .into()),
            },
        }
    }

    #[tracing::instrument(skip(self))]
    async fn find_tenant_by_host(&self, host: &str) -> Result<Option<Tenant>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(host_pk(&host.to_ascii_lowercase())))
            .key("sk", s("HOST"))
            .send()
            .await
            .context("Failed to look up the portal address")?;
        let tenant = out.item.and_then(|i| {
            i.get("tenantId")
                .and_then(|v| v.as_s().ok())
                .and_then(|v| v.parse::<TenantId>().ok())
        });
        match tenant {
            Some(id) => self.get_tenant(id).await,
            None => Ok(None),
        }
    }

    #[tracing::instrument(skip_all, fields(tenant = %tenant.id))]
    async fn update_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        self.conditional_put(
            tenant_item(tenant)?,
            "attribute_exists(pk)",
            StoreError::NotFound,
            "Failed to update the tenant",
        )
        .await
    }

    #[tracing::instrument(skip(self))]
    async fn get_tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError> {
        self.get_record(tenant_pk(id), "TENANT", false, "Failed to read the tenant")
            .await
    }

    #[tracing::instrument(skip(self))]
    async fn list_tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(GSI1)
            .key_condition_expression("gsi1pk = :p")
            .expression_attribute_values(":p", s("TENANTS"));
        self.query_all(query, "Failed to list the tenants").await
    }
}

#[async_trait]
impl ApiKeyStore for DynamoDbStore {
    #[tracing::instrument(skip_all, fields(tenant = %key.tenant_id, key = %key.id))]
    async fn create_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError> {
        let item = item(
            key,
            &[
                ("pk", format!("APIKEY#{}", key.hash.as_str())),
                ("sk", "APIKEY".into()),
                ("gsi1pk", tenant_pk(key.tenant_id)),
                ("gsi1sk", format!("APIKEY#{}", key.id)),
            ],
        )?;
        self.conditional_put(
            item,
            "attribute_not_exists(pk)",
            StoreError::AlreadyExists,
            "Failed to store the API key",
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn find_api_key(&self, hash: &ApiKeyHash) -> Result<Option<ApiKeyRecord>, StoreError> {
        self.get_record(
            format!("APIKEY#{}", hash.as_str()),
            "APIKEY",
            false,
            "Failed to look up the API key",
        )
        .await
    }

    #[tracing::instrument(skip(self))]
    async fn list_api_keys(&self, tenant: TenantId) -> Result<Vec<ApiKeyRecord>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(GSI1)
            .key_condition_expression("gsi1pk = :p AND begins_with(gsi1sk, :k)")
            .expression_attribute_values(":p", s(tenant_pk(tenant)))
            .expression_attribute_values(":k", s("APIKEY#"));
        self.query_all(query, "Failed to list the API keys").await
    }

    #[tracing::instrument(skip(self))]
    async fn revoke_api_key(
        &self,
        tenant: TenantId,
        id: ApiKeyId,
        at: DateTime<Utc>,
    ) -> Result<ApiKeyRecord, StoreError> {
        let found = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(GSI1)
            .key_condition_expression("gsi1pk = :p AND gsi1sk = :k")
            .expression_attribute_values(":p", s(tenant_pk(tenant)))
            .expression_attribute_values(":k", s(format!("APIKEY#{id}")))
            .send()
            .await
            .context("Failed to find the API key")?;
        let Some(pk) = found
            .items()
            .first()
            .and_then(|i| i.get("pk"))
            .and_then(|v| v.as_s().ok())
            .cloned()
        else {
            return Err(StoreError::NotFound);
        };
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s("APIKEY"))
            .update_expression("SET revokedAt = if_not_exists(revokedAt, :at)")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":at", timestamp(at))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        let out =
            unless_condition_failed(result, StoreError::NotFound, "Failed to revoke the API key")?;
        Ok(record(out.attributes.unwrap_or_default())?)
    }
}

#[async_trait]
impl CustomerStore for DynamoDbStore {
    #[tracing::instrument(skip_all, fields(tenant = %customer.tenant_id, customer = %customer.id))]
    async fn create_customer(&self, customer: &Customer) -> Result<(), StoreError> {
        let mut put = self.put(self.customer_item(customer)?);
        put.condition_expression = Some("attribute_not_exists(pk)".into());
        let mut items = vec![TransactWriteItem::builder().put(put).build()];
        if let Some(email) = &customer.login_email {
            items.push(self.login_claim(customer, email));
        }
        match self
            .transact(items, Some(1), "Failed to store the customer")
            .await
        {
            Err(StoreError::VersionConflict) => Err(StoreError::AlreadyExists),
            other => other,
        }
    }

    #[tracing::instrument(skip(self))]
    async fn get_customer(
        &self,
        tenant: TenantId,
        id: CustomerId,
    ) -> Result<Option<Customer>, StoreError> {
        self.get_record(
            tenant_pk(tenant),
            customer_sk(id),
            true,
            "Failed to read the customer",
        )
        .await
    }

    #[tracing::instrument(skip(self))]
    async fn list_customers(
        &self,
        tenant: TenantId,
        after: Option<CustomerId>,
        limit: usize,
    ) -> Result<Page<Customer, CustomerId>, StoreError> {
        let limit = limit.max(1);
        // One more than asked tells whether another page exists without a second request.
        let fetch = i32::try_from(limit + 1).unwrap_or(i32::MAX);
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :p AND begins_with(sk, :c)")
            .expression_attribute_values(":p", s(tenant_pk(tenant)))
            .expression_attribute_values(":c", s("CUSTOMER#"))
            .limit(fetch);
        if let Some(after) = after {
            query = query
                .exclusive_start_key("pk", s(tenant_pk(tenant)))
                .exclusive_start_key("sk", s(customer_sk(after)));
        }
        let out = query.send().await.context("Failed to list the customers")?;
        let mut items: Vec<Customer> = out
            .items
            .unwrap_or_default()
            .into_iter()
            .map(record)
            .collect::<anyhow::Result<_>>()?;
        let next = (items.len() > limit).then(|| {
            items.truncate(limit);
            items[limit - 1].id
        });
        Ok(Page { items, next })
    }

    #[tracing::instrument(skip_all, fields(tenant = %current.tenant_id, customer = %current.id))]
    async fn update_customer(&self, current: &Customer, next: &Customer) -> Result<(), StoreError> {
        let mut put = self.put(self.customer_item(next)?);
        put.condition_expression = Some("version = :v".into());
        put.expression_attribute_values = Some(HashMap::from([(
            ":v".to_owned(),
            AttributeValue::N(current.version.to_string()),
        )]));
        let mut items = vec![TransactWriteItem::builder().put(put).build()];
        let old = current.login_email.as_ref();
        let new = next.login_email.as_ref();
        let moved = old.map(Email::normalized) != new.map(Email::normalized);
        let mut claim_index = None;
        if moved {
            if let Some(new) = new {
                claim_index = Some(items.len());
                items.push(self.login_claim(next, new));
            }
            if let Some(old) = old {
                items.push(self.login_release(current, old));
            }
        }
        self.transact(items, claim_index, "Failed to update the customer")
            .await
    }

    #[tracing::instrument(skip_all, fields(tenant = %current.tenant_id, customer = %current.id))]
    async fn delete_customer(&self, current: &Customer) -> Result<(), StoreError> {
        let mut delete = self.delete(tenant_pk(current.tenant_id), &customer_sk(current.id));
        delete.condition_expression = Some("version = :v".into());
        delete.expression_attribute_values = Some(HashMap::from([(
            ":v".to_owned(),
            AttributeValue::N(current.version.to_string()),
        )]));
        // The password goes with the customer, so no session of theirs outlives them.
        let account = self.delete(
            account_pk(current.tenant_id, Subject::Customer(current.id)),
            account_sk(),
        );
        let mut items = vec![
            TransactWriteItem::builder().delete(delete).build(),
            TransactWriteItem::builder().delete(account).build(),
        ];
        if let Some(email) = &current.login_email {
            items.push(self.login_release(current, email));
        }
        self.transact(items, None, "Failed to delete the customer")
            .await
    }
}

#[async_trait]
impl InvitationStore for DynamoDbStore {
    #[tracing::instrument(skip_all, fields(tenant = %invitation.tenant_id, invitation = %invitation.id))]
    async fn issue_invitation(
        &self,
        customer: &Customer,
        invitation: &Invitation,
        token: &TokenRecord,
        superseded: &[(Invitation, Invitation)],
    ) -> Result<(), StoreError> {
        let check = ConditionCheck::builder()
            .table_name(&self.table)
            .key("pk", s(tenant_pk(customer.tenant_id)))
            .key("sk", s(customer_sk(customer.id)))
            .condition_expression("version = :v")
            .expression_attribute_values(":v", AttributeValue::N(customer.version.to_string()))
            .build()
            .context("Failed to describe the customer check")?;
        let mut token_item = item(
            token,
            &[("pk", token_pk(&token.hash)), ("sk", "TOKEN".into())],
        )?;
        token_item.insert(TTL_ATTRIBUTE.to_owned(), ttl(token.expires_at));
        let mut items = vec![
            TransactWriteItem::builder().condition_check(check).build(),
            self.new_put(self.invitation_item(invitation)?),
            self.new_put(token_item),
        ];
        for (current, next) in superseded {
            items.push(self.versioned_put(self.invitation_item(next)?, current.version));
            items.push(self.token_void(current, VoidReason::Superseded, invitation.created_at)?);
        }
        self.transact(items, None, "Failed to store the invitation")
            .await
    }

    #[tracing::instrument(skip(self))]
    async fn get_invitation(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: InvitationId,
    ) -> Result<Option<Invitation>, StoreError> {
        self.get_record(
            invitations_pk(tenant, customer),
            format!("INVITATION#{id}"),
            true,
            "Failed to read the invitation",
        )
        .await
    }

    #[tracing::instrument(skip(self))]
    async fn list_invitations(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Vec<Invitation>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :p AND begins_with(sk, :i)")
            .expression_attribute_values(":p", s(invitations_pk(tenant, customer)))
            .expression_attribute_values(":i", s("INVITATION#"))
            .scan_index_forward(false)
            .consistent_read(true);
        self.query_all(query, "Failed to list the invitations")
            .await
    }

    #[tracing::instrument(skip_all, fields(invitation = %current.id))]
    async fn update_invitation(
        &self,
        current: &Invitation,
        next: &Invitation,
        void_token: Option<(VoidReason, DateTime<Utc>)>,
    ) -> Result<(), StoreError> {
        let mut items = vec![self.versioned_put(self.invitation_item(next)?, current.version)];
        if let Some((reason, at)) = void_token {
            items.push(self.token_void(current, reason, at)?);
        }
        self.transact(items, None, "Failed to update the invitation")
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn find_token(&self, hash: &TokenHash) -> Result<Option<TokenRecord>, StoreError> {
        self.get_record(
            token_pk(hash),
            "TOKEN",
            true,
            "Failed to look up the link token",
        )
        .await
    }
}

fn template_sk(channel: Channel, language: Language) -> String {
    format!("TEMPLATE#{channel}#{language}")
}

#[async_trait]
impl TemplateStore for DynamoDbStore {
    #[tracing::instrument(skip(self, template))]
    async fn put_template(
        &self,
        tenant: TenantId,
        template: &TemplateOverride,
    ) -> Result<(), StoreError> {
        let item = item(
            template,
            &[
                ("pk", tenant_pk(tenant)),
                ("sk", template_sk(template.channel, template.language)),
            ],
        )?;
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .context("Failed to store the template")?;
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    async fn delete_template(
        &self,
        tenant: TenantId,
        channel: Channel,
        language: Language,
    ) -> Result<(), StoreError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(tenant_pk(tenant)))
            .key("sk", s(template_sk(channel, language)))
            .condition_expression("attribute_exists(pk)")
            .send()
            .await;
        unless_condition_failed(
            result,
            StoreError::NotFound,
            "Failed to delete the template",
        )
        .map(|_| ())
    }

    #[tracing::instrument(skip(self))]
    async fn list_templates(&self, tenant: TenantId) -> Result<Vec<TemplateOverride>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :p AND begins_with(sk, :t)")
            .expression_attribute_values(":p", s(tenant_pk(tenant)))
            .expression_attribute_values(":t", s("TEMPLATE#"));
        self.query_all(query, "Failed to list the templates").await
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct IdempotencyItem {
    fingerprint: String,
    expires_at: DateTime<Utc>,
    response: Option<StoredResponse>,
}

#[async_trait]
impl IdempotencyStore for DynamoDbStore {
    #[tracing::instrument(skip(self, fingerprint))]
    async fn begin_request(
        &self,
        tenant: TenantId,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<IdempotencyStart, StoreError> {
        let pk = idempotency_pk(tenant, key);
        let claim = IdempotencyItem {
            fingerprint: fingerprint.to_owned(),
            expires_at,
            response: None,
        };
        let mut new_item = item(&claim, &[("pk", pk.clone()), ("sk", "IDEMPOTENCY".into())])?;
        new_item.insert(TTL_ATTRIBUTE.to_owned(), ttl(expires_at));
        let claimed = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(new_item))
            // An expired record that TTL has not removed yet counts as absent.
            .condition_expression("attribute_not_exists(pk) OR #ttl < :now")
            .expression_attribute_names("#ttl", TTL_ATTRIBUTE)
            .expression_attribute_values(":now", ttl(now))
            .send()
            .await;
        match claimed {
            Ok(_) => return Ok(IdempotencyStart::Fresh),
            Err(e) if is_condition_failure(&e) => {}
            Err(e) => {
                return Err(anyhow::Error::new(e)
                    .context("Failed to claim the idempotency key")
                    .into());
            }
        }
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s("IDEMPOTENCY"))
            .consistent_read(true)
            .send()
            .await
            .context("Failed to read the idempotency record")?;
        let Some(existing) = out.item.map(record::<IdempotencyItem>).transpose()? else {
            // Removed between the two calls: the caller may simply retry.
            return Ok(IdempotencyStart::InProgress);
        };
        Ok(if existing.fingerprint != fingerprint {
            IdempotencyStart::Mismatch
        } else {
            match existing.response {
                Some(response) => IdempotencyStart::Replay(response),
                None => IdempotencyStart::InProgress,
            }
        })
    }

    #[tracing::instrument(skip(self, response))]
    async fn finish_request(
        &self,
        tenant: TenantId,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), StoreError> {
        let response: AttributeValue =
            serde_dynamo::aws_sdk_dynamodb_1::to_attribute_value(response)
                .context("Failed to convert the response")?;
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(idempotency_pk(tenant, key)))
            .key("sk", s("IDEMPOTENCY"))
            .update_expression("SET #r = :r")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#r", "response")
            .expression_attribute_values(":r", response)
            .send()
            .await;
        unless_condition_failed(
            result,
            StoreError::NotFound,
            "Failed to store the idempotent response",
        )
        .map(|_| ())
    }

    #[tracing::instrument(skip(self))]
    async fn abandon_request(&self, tenant: TenantId, key: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(idempotency_pk(tenant, key)))
            .key("sk", s("IDEMPOTENCY"))
            .send()
            .await
            .context("Failed to release the idempotency key")?;
        Ok(())
    }
}

fn account_sk() -> &'static str {
    "ACCOUNT"
}

fn session_pk(hash: &TokenHash) -> String {
    format!("SESSION#{}", hash.as_str())
}

fn timestamp(at: DateTime<Utc>) -> AttributeValue {
    s(at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
}

impl DynamoDbStore {
    fn account_item(&self, a: &Account) -> anyhow::Result<Item> {
        item(
            a,
            &[
                ("pk", account_pk(a.tenant_id, a.subject)),
                ("sk", account_sk().into()),
            ],
        )
    }

    fn session_item(&self, session: &SessionRecord) -> anyhow::Result<Item> {
        let mut item = item(
            session,
            &[("pk", session_pk(&session.hash)), ("sk", "SESSION".into())],
        )?;
        item.insert(TTL_ATTRIBUTE.to_owned(), ttl(session.expires_at));
        Ok(item)
    }
}

#[async_trait]
impl AccountStore for DynamoDbStore {
    #[tracing::instrument(skip_all, fields(subject = %r.account.subject))]
    async fn redeem(&self, r: &Redemption<'_>) -> Result<(), StoreError> {
        // A null attribute (how an empty Option is stored) counts as absent.
        let absent =
            |name: &str| format!("(attribute_not_exists({name}) OR attribute_type({name}, :null))");
        let use_token = aws_sdk_dynamodb::types::Update::builder()
            .table_name(&self.table)
            .key("pk", s(token_pk(&r.token.hash)))
            .key("sk", s("TOKEN"))
            .update_expression("SET usedAt = :now")
            .condition_expression(format!(
                "attribute_exists(pk) AND {} AND {} AND #ttl > :epoch",
                absent("usedAt"),
                absent("voided")
            ))
            .expression_attribute_names("#ttl", TTL_ATTRIBUTE)
            .expression_attribute_values(":now", timestamp(r.now))
            .expression_attribute_values(":null", s("NULL"))
            .expression_attribute_values(":epoch", ttl(r.now))
            .build()
            .context("Failed to describe the token update")?;
        let mut items = vec![TransactWriteItem::builder().update(use_token).build()];
        items.push(match r.previous_account {
            Some(previous) => self.versioned_put(self.account_item(r.account)?, previous.version),
            None => self.new_put(self.account_item(r.account)?),
        });
        if let Some((current, next)) = r.invitation {
            items.push(self.versioned_put(self.invitation_item(next)?, current.version));
        }
        let field = if r.activates {
            "activatedAt"
        } else {
            "lastLoginAt"
        };
        let subject = self.subject_touch(r.account.tenant_id, r.account.subject, field, r.now)?;
        items.push(TransactWriteItem::builder().update(subject).build());
        items.push(self.new_put(self.session_item(r.session)?));
        self.transact(items, None, "Failed to set the password")
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn find_login(&self, email: &Email) -> Result<Option<LoginOwner>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(login_pk(email)))
            .key("sk", s("LOGIN"))
            .consistent_read(true)
            .send()
            .await
            .context("Failed to look up the login email")?;
        let Some(item) = out.item else {
            return Ok(None);
        };
        let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok());
        let tenant = text("tenantId").and_then(|v| v.parse::<TenantId>().ok());
        let customer = text("customerId").and_then(|v| v.parse::<CustomerId>().ok());
        let staff = text("staffId").and_then(|v| v.parse::<StaffId>().ok());
        let subject = customer
            .map(Subject::Customer)
            .or(staff.map(Subject::Staff));
        match (tenant, subject) {
            (Some(tenant_id), Some(subject)) => Ok(Some(LoginOwner { tenant_id, subject })),
            _ => Err(anyhow::anyhow!("A login claim lacks its tenant or owner").into()),
        }
    }

    #[tracing::instrument(skip(self))]
    async fn get_account(
        &self,
        tenant: TenantId,
        subject: Subject,
    ) -> Result<Option<Account>, StoreError> {
        self.get_record(
            account_pk(tenant, subject),
            account_sk(),
            true,
            "Failed to read the account",
        )
        .await
    }

    #[tracing::instrument(skip_all, fields(subject = %current.subject))]
    async fn update_account(&self, current: &Account, next: &Account) -> Result<(), StoreError> {
        self.transact(
            vec![self.versioned_put(self.account_item(next)?, current.version)],
            None,
            "Failed to update the account",
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn put_token(&self, token: &TokenRecord) -> Result<(), StoreError> {
        self.conditional_put(
            self.token_item(token)?,
            "attribute_not_exists(pk)",
            StoreError::AlreadyExists,
            "Failed to store the link token",
        )
        .await
    }

    #[tracing::instrument(skip(self))]
    async fn record_login(
        &self,
        tenant: TenantId,
        subject: Subject,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let update = self.subject_touch(tenant, subject, "lastLoginAt", at)?;
        let result = self
            .client
            .update_item()
            .table_name(update.table_name)
            .set_key(Some(update.key))
            .update_expression(update.update_expression)
            .set_condition_expression(update.condition_expression)
            .set_expression_attribute_values(update.expression_attribute_values)
            .send()
            .await;
        unless_condition_failed(result, StoreError::NotFound, "Failed to record the login")
            .map(|_| ())
    }
}

impl DynamoDbStore {
    /// Sets `field` (`activatedAt` or `lastLoginAt`) on the customer or staff record and moves
    /// its version, if the record exists.
    fn subject_touch(
        &self,
        tenant: TenantId,
        subject: Subject,
        field: &str,
        at: DateTime<Utc>,
    ) -> anyhow::Result<aws_sdk_dynamodb::types::Update> {
        aws_sdk_dynamodb::types::Update::builder()
            .table_name(&self.table)
            .key("pk", s(tenant_pk(tenant)))
            .key("sk", s(subject_sk(subject)))
            .update_expression(format!("SET {field} = :at, version = version + :one"))
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .expression_attribute_values(":at", timestamp(at))
            .build()
            .context("Failed to describe the update of the user's record")
    }

    fn staff_item(&self, m: &StaffMember) -> anyhow::Result<Item> {
        item(m, &[("pk", tenant_pk(m.tenant_id)), ("sk", staff_sk(m.id))])
    }
}

#[async_trait]
impl StaffStore for DynamoDbStore {
    #[tracing::instrument(skip_all, fields(tenant = %member.tenant_id, staff = %member.id))]
    async fn create_staff(
        &self,
        member: &StaffMember,
        token: &TokenRecord,
    ) -> Result<(), StoreError> {
        let items = vec![
            self.new_put(self.staff_item(member)?),
            self.claim_login(member.tenant_id, member.subject(), &member.email),
            self.new_put(self.token_item(token)?),
        ];
        match self
            .transact(items, Some(1), "Failed to store the staff user")
            .await
        {
            Err(StoreError::VersionConflict) => Err(StoreError::AlreadyExists),
            other => other,
        }
    }

    #[tracing::instrument(skip(self))]
    async fn get_staff(
        &self,
        tenant: TenantId,
        id: StaffId,
    ) -> Result<Option<StaffMember>, StoreError> {
        self.get_record(
            tenant_pk(tenant),
            staff_sk(id),
            true,
            "Failed to read the staff user",
        )
        .await
    }

    #[tracing::instrument(skip(self))]
    async fn list_staff(&self, tenant: TenantId) -> Result<Vec<StaffMember>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :p AND begins_with(sk, :s)")
            .expression_attribute_values(":p", s(tenant_pk(tenant)))
            .expression_attribute_values(":s", s("STAFF#"))
            .consistent_read(true);
        self.query_all(query, "Failed to list the staff users")
            .await
    }

    #[tracing::instrument(skip_all, fields(tenant = %current.tenant_id, staff = %current.id))]
    async fn update_staff(
        &self,
        current: &StaffMember,
        next: &StaffMember,
        new_token: Option<&TokenRecord>,
    ) -> Result<(), StoreError> {
        let mut items = vec![self.versioned_put(self.staff_item(next)?, current.version)];
        if let Some(token) = new_token {
            if let Some(old) = current.invitation_token() {
                let voided = old.voided(token.created_at, VoidReason::Superseded);
                items.push(
                    TransactWriteItem::builder()
                        .put(self.put(self.token_item(&voided)?))
                        .build(),
                );
            }
            items.push(self.new_put(self.token_item(token)?));
        }
        self.transact(items, None, "Failed to update the staff user")
            .await
    }

    #[tracing::instrument(skip_all, fields(tenant = %current.tenant_id, staff = %current.id))]
    async fn delete_staff(
        &self,
        current: &StaffMember,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut delete = self.delete(tenant_pk(current.tenant_id), &staff_sk(current.id));
        delete.condition_expression = Some("version = :v".into());
        delete.expression_attribute_values = Some(HashMap::from([(
            ":v".to_owned(),
            AttributeValue::N(current.version.to_string()),
        )]));
        let mut release = self.delete(login_pk(&current.email), "LOGIN");
        // Only ever this staff user's claim (a missing one is fine: nothing to release).
        release.condition_expression = Some("attribute_not_exists(pk) OR staffId = :s".into());
        release.expression_attribute_values = Some(HashMap::from([(
            ":s".to_owned(),
            s(current.id.to_string()),
        )]));
        let account = self.delete(
            account_pk(current.tenant_id, current.subject()),
            account_sk(),
        );
        let mut items = vec![
            TransactWriteItem::builder().delete(delete).build(),
            TransactWriteItem::builder().delete(release).build(),
            TransactWriteItem::builder().delete(account).build(),
        ];
        if current.activated_at.is_none()
            && let Some(token) = current.invitation_token()
        {
            let revoked = token.voided(at, VoidReason::Revoked);
            items.push(
                TransactWriteItem::builder()
                    .put(self.put(self.token_item(&revoked)?))
                    .build(),
            );
        }
        self.transact(items, None, "Failed to delete the staff user")
            .await
    }
}

#[async_trait]
impl SessionStore for DynamoDbStore {
    #[tracing::instrument(skip_all)]
    async fn put_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        self.conditional_put(
            self.session_item(session)?,
            "attribute_not_exists(pk)",
            StoreError::AlreadyExists,
            "Failed to store the session",
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn get_session(&self, hash: &TokenHash) -> Result<Option<SessionRecord>, StoreError> {
        self.get_record(
            session_pk(hash),
            "SESSION",
            true,
            "Failed to read the session",
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn touch_session(&self, hash: &TokenHash, at: DateTime<Utc>) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(session_pk(hash)))
            .key("sk", s("SESSION"))
            .update_expression("SET lastSeenAt = :at")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":at", timestamp(at))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failure(&e) => Ok(()),
            Err(e) => Err(anyhow::Error::new(e)
                .context("Failed to touch the session")
                .into()),
        }
    }

    #[tracing::instrument(skip_all)]
    async fn delete_session(&self, hash: &TokenHash) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(session_pk(hash)))
            .key("sk", s("SESSION"))
            .send()
            .await
            .context("Failed to delete the session")?;
        Ok(())
    }
}

#[async_trait]
impl RateLimitStore for DynamoDbStore {
    #[tracing::instrument(skip(self))]
    async fn count(&self, key: &str, window_start: DateTime<Utc>) -> Result<u32, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(format!("RATE#{key}")))
            .key("sk", s(window_start.timestamp().to_string()))
            .consistent_read(true)
            .send()
            .await
            .context("Failed to read a rate counter")?;
        Ok(out
            .item
            .and_then(|i| {
                i.get("count")
                    .and_then(|v| v.as_n().ok())
                    .and_then(|n| n.parse().ok())
            })
            .unwrap_or(0))
    }

    #[tracing::instrument(skip(self))]
    async fn increment(
        &self,
        key: &str,
        window_start: DateTime<Utc>,
        forget_at: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(format!("RATE#{key}")))
            .key("sk", s(window_start.timestamp().to_string()))
            .update_expression("ADD #count :one SET #ttl = if_not_exists(#ttl, :forget)")
            .expression_attribute_names("#count", "count")
            .expression_attribute_names("#ttl", TTL_ATTRIBUTE)
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .expression_attribute_values(":forget", ttl(forget_at))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .context("Failed to count a failed attempt")?;
        Ok(out
            .attributes
            .and_then(|a| {
                a.get("count")
                    .and_then(|v| v.as_n().ok())
                    .and_then(|n| n.parse().ok())
            })
            .unwrap_or(1))
    }

    #[tracing::instrument(skip(self))]
    async fn decrement(&self, key: &str, window_start: DateTime<Utc>) -> Result<u32, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(format!("RATE#{key}")))
            .key("sk", s(window_start.timestamp().to_string()))
            .update_expression("ADD #count :minus_one")
            // Never below zero, and never an item without its ttl.
            .condition_expression("#count > :zero")
            .expression_attribute_names("#count", "count")
            .expression_attribute_values(":minus_one", AttributeValue::N("-1".into()))
            .expression_attribute_values(":zero", AttributeValue::N("0".into()))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await;
        match result {
            Ok(out) => Ok(out
                .attributes
                .and_then(|a| {
                    a.get("count")
                        .and_then(|v| v.as_n().ok())
                        .and_then(|n| n.parse().ok())
                })
                .unwrap_or(0)),
            Err(e) if is_condition_failure(&e) => Ok(0),
            Err(e) => Err(StoreError::Unexpected(
                anyhow::Error::new(e).context("Failed to take back a counted attempt"),
            )),
        }
    }
}
