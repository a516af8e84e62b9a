//! One contract for every store adapter: `store_contract!` runs each case against a store
//! made by the given expression, so the embedded store and DynamoDB behave alike.
//!
//! One file of cases per port; this file holds the macro, [`race`] and the helpers more than
//! one file uses. A case takes the narrowest store it can, so its signature says what it
//! touches: `Arc<dyn X>` when it needs one port, `Arc<S>` bounded by the ports it needs when it
//! also stores a tenant first, and `Arc<dyn Store>` when what it tests spans ports (a
//! redemption writes an account, a token, an invitation and a customer at once; an update of a
//! customer voids invitations and reset links with it). A new port adds a file here, its `mod`
//! and `pub use` lines below, and its cases to the macro's list.

mod accounts;
mod api_keys;
mod customers;
mod feedback;
mod file_records;
mod form_entries;
mod forms;
mod idempotency;
mod invitations;
mod rate_limits;
mod sessions;
mod staff;
mod status;
mod templates;
mod tenants;
mod wishes;

pub use accounts::*;
pub use api_keys::*;
pub use customers::*;
pub use feedback::*;
pub use file_records::*;
pub use form_entries::*;
pub use forms::*;
pub use idempotency::*;
pub use invitations::*;
pub use rate_limits::*;
pub use sessions::*;
pub use staff::*;
pub use status::*;
pub use templates::*;
pub use tenants::*;
pub use wishes::*;

use std::{
    future::Future,
    sync::atomic::{AtomicBool, Ordering},
};

use chrono::{Duration, Utc};
use portal::{
    domain::{
        Account, Actor, ApiKeyId, Channel, Customer, CustomerChanges, EventKind, Invitation,
        InvitationEvent, InvitationId, InvitationState, Language, LinkToken, PortalArea,
        SessionRecord, Subject, TokenRecord,
    },
    ports::{InvitationStore, Redemption, Store, StoreError, TenantStore},
};
use serde_json::json;

use crate::fixtures::{customer, tenant, unique_email};

/// Set for stores on moto: its `TransactWriteItems` is not isolated (it copies the whole
/// table, applies the items, and on a failed condition puts the copy back, with no lock), so
/// two transactions on moto at the same moment can undo each other's writes and both fail.
/// DynamoDB itself isolates them. On moto the races below therefore run their attempts one
/// after another: the conditions still decide who wins; the embedded store runs them at once.
pub static NO_CONCURRENT_TRANSACTIONS: AtomicBool = AtomicBool::new(false);

/// Runs the attempts at the same time (or, see [`NO_CONCURRENT_TRANSACTIONS`], in turn).
async fn race<T: Send + 'static>(
    attempts: Vec<impl Future<Output = T> + Send + 'static>,
) -> Vec<T> {
    let mut results = Vec::new();
    if NO_CONCURRENT_TRANSACTIONS.load(Ordering::Relaxed) {
        for attempt in attempts {
            results.push(attempt.await);
        }
    } else {
        let handles: Vec<_> = attempts.into_iter().map(tokio::spawn).collect();
        for handle in handles {
            results.push(handle.await.expect("the attempt ran"));
        }
    }
    results
}

/// Issues `invitation` as a send does: over the customer's open invitations read just before,
/// each superseded by it.
pub async fn issue<S: InvitationStore + ?Sized>(
    store: &S,
    c: &Customer,
    invitation: &Invitation,
    token: &TokenRecord,
) -> Result<(), StoreError> {
    let open = store.open_invitations(c.tenant_id, c.id).await?;
    store
        .issue_invitation(c, invitation, token, &open, &superseded_by(invitation))
        .await
}

/// What an invitation superseded by `newer` records.
pub fn superseded_by(newer: &Invitation) -> InvitationEvent {
    Invitation::superseded_event(newer.id, Actor::System, newer.created_at)
}

/// Updates a customer as the API does: with the links the change voids.
async fn update(store: &dyn Store, current: &Customer, next: &Customer) -> Result<(), StoreError> {
    let voiding =
        portal::links::voids_for(store, store, current, Some(next), Actor::System, Utc::now())
            .await?;
    store
        .update_customer(current, next, &voiding.as_voids())
        .await
}

/// Deletes a customer as the API does: with its open invitations.
async fn delete(store: &dyn Store, current: &Customer) -> Result<(), StoreError> {
    let voiding =
        portal::links::voids_for(store, store, current, None, Actor::System, Utc::now()).await?;
    store.delete_customer(current, &voiding.as_voids()).await
}

#[macro_export]
macro_rules! store_contract {
    ($make:expr) => {
        $crate::store_contract!(@cases $make;
            tenants_round_trip_and_an_id_is_created_once,
            api_keys_are_found_by_hash_listed_per_tenant_and_revoked,
            a_customer_round_trips_unchanged,
            customers_without_login_email_can_coexist,
            a_login_email_belongs_to_one_customer_across_tenants_ignoring_case,
            concurrent_creates_with_one_login_email_let_exactly_one_win,
            an_update_moves_the_login_email_claim,
            an_update_to_a_taken_login_email_changes_nothing,
            an_update_from_a_stale_version_changes_nothing,
            a_delete_releases_the_login_email,
            a_delete_from_a_stale_version_changes_nothing,
            listing_pages_in_creation_order_within_the_tenant,
            another_tenants_customer_is_not_found,
            a_tenant_update_replaces_its_settings,
            an_agency_is_found_by_its_portal_address_which_is_its_own,
            issuing_an_invitation_stores_it_with_its_token_and_voids_open_ones,
            an_invitation_for_a_changed_customer_writes_nothing,
            revoking_deletes_the_token_and_stale_updates_lose,
            two_issues_over_one_read_let_exactly_one_win,
            closing_an_invitation_takes_it_off_the_open_ones,
            agency_templates_are_kept_per_channel_and_language,
            idempotency_keys_replay_refuse_and_expire,
            a_link_sets_the_password_once_and_starts_a_session,
            of_two_redemptions_of_one_link_exactly_one_wins,
            voided_and_expired_links_set_no_password,
            a_reset_link_replaces_the_password_of_an_existing_account,
            sessions_are_stored_touched_and_deleted,
            failed_attempts_are_counted_per_key_and_window,
            concurrent_increments_each_get_their_own_count_and_can_be_taken_back,
            staff_users_share_the_login_namespace_with_customers,
            a_staff_invitation_sets_the_password_and_activates_the_staff_user,
            a_new_staff_invitation_voids_the_old_link_and_stale_updates_lose,
            removing_a_staff_user_ends_the_account_and_frees_the_email,
            deleting_a_customer_deletes_their_password_too,
            a_new_login_email_voids_open_invitations_and_reset_links_at_once,
            a_link_sets_no_password_once_its_address_stopped_being_the_login_email,
            a_set_change_or_reset_of_the_password_voids_earlier_reset_links,
            deleting_a_customer_revokes_their_open_invitations,
            a_send_between_reading_the_voids_and_a_new_mobile_number_makes_the_change_look_again,
            removing_a_staff_user_voids_their_reset_links,
            forms_are_found_by_public_id_listed_per_customer_and_edited_by_version,
            changing_the_retention_reaches_every_form_of_the_agency,
            entries_list_newest_first_per_customer_and_per_form_within_dates,
            entries_past_their_retention_are_not_read,
            entries_are_marked_read_have_their_email_recorded_and_are_deleted,
            due_notifications_are_found_by_time_claimed_once_and_released_or_dropped,
            a_deleted_or_expired_entry_leaves_no_due_notification_behind,
            an_attempt_overtaken_by_a_later_claim_still_records_its_outcome,
            files_are_listed_newest_first_in_pages_and_by_folder,
            another_customers_files_are_not_reached,
            files_are_read_together_only_under_their_own_customer,
            the_quota_refuses_a_file_that_would_pass_it_even_in_a_race,
            updates_and_deletes_follow_the_version_and_move_the_usage,
            a_rejected_file_releases_its_bytes,
            file_settings_default_until_the_agency_sets_its_own,
            direct_links_count_downloads_until_revoked_or_expired,
            notices_wait_per_customer_and_side_and_are_leased_once,
            a_notice_lease_that_ran_out_is_taken_again_and_only_its_holder_deletes,
            of_two_sweeps_leasing_one_group_at_once_exactly_one_wins,
            a_pending_file_deleted_leaves_its_key_for_a_late_upload,
            the_files_page_visit_is_kept_per_customer_and_the_latest_wins,
            a_status_change_writes_the_customer_and_its_history_together,
            a_status_change_from_a_stale_version_writes_neither,
            of_two_concurrent_status_changes_exactly_one_is_recorded,
            status_histories_are_per_customer_and_tenant_and_newest_first,
            a_change_that_is_not_the_customers_move_is_refused,
            wishes_drafts_are_saved_over_their_own_version_only,
            a_wishes_submission_is_written_with_the_draft_and_kept,
            wishes_are_found_only_under_their_own_customer_and_agency,
            wishes_comments_are_kept_per_customer_and_changed_over_their_version,
            feedback_sites_are_saved_over_their_version_with_their_origins,
            feedback_items_take_numbers_in_turn_and_a_page_fills_up_to_its_bound,
            feedback_changes_follow_the_version_with_their_reply_and_notice,
            feedback_is_found_only_under_its_own_customer_and_agency,
            feedback_tokens_are_found_by_hash_and_revoked_per_customer,
            feedback_notices_wait_per_customer_and_side_and_are_claimed_once,
        );
    };
    (@cases $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                $crate::contract::$case($make.await).await;
            }
        )*
    };
}

async fn saved_tenant<S: TenantStore + ?Sized>(store: &S, name: &str) -> portal::domain::Tenant {
    let t = tenant(name);
    store.create_tenant(&t).await.expect("the tenant is stored");
    t
}

fn change(current: &Customer, body: serde_json::Value) -> Customer {
    let changes: CustomerChanges = serde_json::from_value(body).expect("a well-formed body");
    changes
        .validate(Some(current))
        .expect("a valid change")
        .applied(current, Utc::now())
}

fn invitation_of(c: &Customer, token: &LinkToken) -> (Invitation, TokenRecord) {
    let now = Utc::now();
    let id = InvitationId::new();
    let invitation = Invitation {
        id,
        tenant_id: c.tenant_id,
        customer_id: c.id,
        channels: vec![Channel::Email, Channel::Sms],
        area: PortalArea::Files,
        note: Some("Bis bald".into()),
        language: Language::De,
        state: InvitationState::Pending,
        token_hash: token.hash(),
        recipient: None,
        created_at: now,
        expires_at: now + Duration::days(7),
        created_by: Actor::ApiKey {
            id: ApiKeyId::new(),
        },
        history: vec![InvitationEvent {
            at: now,
            event: EventKind::Created,
            channel: None,
            detail: None,
            by: Actor::System,
        }],
        version: 1,
    };
    let record = match &c.login_email {
        Some(email) => TokenRecord::for_invitation(&invitation).sent_to(email),
        None => TokenRecord::for_invitation(&invitation),
    };
    (invitation, record)
}

fn revoked(i: &Invitation) -> Invitation {
    let event = InvitationEvent {
        at: Utc::now(),
        event: EventKind::Superseded,
        channel: None,
        detail: Some("replaced".into()),
        by: Actor::System,
    };
    i.with_event(event, InvitationState::Revoked)
}

fn session_for(c: &Customer, epoch: u64) -> SessionRecord {
    let now = Utc::now();
    SessionRecord {
        hash: LinkToken::generate().unwrap().hash(),
        tenant_id: c.tenant_id,
        subject: Subject::Customer(c.id),
        epoch,
        csrf: "csrf".into(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + Duration::days(7),
    }
}

fn account_for(c: &Customer, hash: &str, epoch: u64, version: u64) -> Account {
    Account {
        tenant_id: c.tenant_id,
        subject: Subject::Customer(c.id),
        password_hash: hash.into(),
        password_changed_at: Utc::now(),
        session_epoch: epoch,
        created_at: Utc::now(),
        version,
    }
}

/// A customer with an open invitation; returns the customer, invitation and its token.
async fn invited(store: &dyn Store) -> (Customer, Invitation, TokenRecord) {
    let t = saved_tenant(store, "A").await;
    let c = customer(
        t.id,
        json!({"companyName": "A", "loginEmail": unique_email("redeem")}),
    );
    store.create_customer(&c).await.unwrap();
    let (invitation, record) = invitation_of(&c, &LinkToken::generate().unwrap());
    issue(store, &c, &invitation, &record).await.unwrap();
    (c, invitation, record)
}

fn accepted(i: &Invitation) -> Invitation {
    let event = InvitationEvent {
        at: Utc::now(),
        event: EventKind::Accepted,
        channel: None,
        detail: None,
        by: Actor::Customer,
    };
    i.with_event(event, InvitationState::Accepted)
}

/// A customer who set their password with an invitation (account at epoch 1), and a
/// reset link sent to their login email at that epoch.
async fn active_with_reset_link(store: &dyn Store) -> (Customer, Account, TokenRecord) {
    let (c, invitation, token) = invited(store).await;
    let account = account_for(&c, "$argon2id$first", 1, 1);
    store
        .redeem(&Redemption {
            token: &token,
            now: Utc::now(),
            account: &account,
            previous_account: None,
            invitation: Some((&invitation, &accepted(&invitation))),
            session: &session_for(&c, 1),
            activates: true,
        })
        .await
        .unwrap();
    let c = store
        .get_customer(c.tenant_id, c.id)
        .await
        .unwrap()
        .unwrap();
    let reset = reset_link(&c, &account);
    store.put_token(&reset).await.unwrap();
    (c, account, reset)
}

fn reset_link(c: &Customer, account: &Account) -> TokenRecord {
    let now = Utc::now();
    TokenRecord::for_reset(
        LinkToken::generate().unwrap().hash(),
        c.tenant_id,
        Subject::Customer(c.id),
        c.login_email.as_ref().unwrap(),
        account.session_epoch,
        now,
        now + Duration::hours(1),
    )
}

/// Tries to set a new password for `c` with `token` over `account` (as read now).
async fn try_reset(
    store: &dyn Store,
    c: &Customer,
    token: &TokenRecord,
    account: &Account,
) -> Result<(), StoreError> {
    let next = account_for(
        c,
        "$argon2id$attacker",
        account.session_epoch + 1,
        account.version + 1,
    );
    store
        .redeem(&Redemption {
            token,
            now: Utc::now(),
            account: &next,
            previous_account: Some(account),
            invitation: None,
            session: &session_for(c, account.session_epoch + 1),
            activates: false,
        })
        .await
}
