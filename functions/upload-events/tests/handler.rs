//! The upload-events handler on the embedded store and the local file twin, fed a real
//! AWS-shaped S3 event (tests/fixtures; moto's own events lack fields and don't parse).

use std::sync::Arc;

use aws_lambda_events::s3::S3Event;
use chrono::Utc;
use portal::{
    AppState,
    domain::{CustomerId, FileId, FileRecord, FileState, ObjectKey, TenantId, Uploader},
    embedded::{self, LocalFileStore},
    ports::{FileCreation, FileStore, Store},
};
use upload_events::{EventsState, Handled, Outcome, dispatch, handle_event, notices};

const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
const EXE: &[u8] = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0";

struct World {
    store: Arc<dyn Store>,
    objects: Arc<LocalFileStore>,
    outbox: Arc<embedded::Outbox>,
    state: EventsState,
    tenant: TenantId,
    customer: CustomerId,
}

impl World {
    fn new() -> Self {
        let store: Arc<dyn Store> = Arc::new(embedded::in_memory_store());
        let objects = Arc::new(LocalFileStore::in_memory(
            "http://127.0.0.1:9".parse().unwrap(),
        ));
        let outbox = Arc::new(embedded::Outbox::in_memory());
        let state = EventsState::new(
            AppState::from_store(store.clone()),
            objects.clone(),
            outbox.clone(),
        );
        Self {
            store,
            objects,
            outbox,
            state,
            tenant: TenantId::new(),
            customer: CustomerId::new(),
        }
    }

    /// A pending file declared as `content_type` of `declared` bytes, and `bytes` uploaded
    /// under its key.
    async fn uploaded(
        &self,
        name: &str,
        content_type: &str,
        declared: u64,
        bytes: &[u8],
    ) -> FileRecord {
        self.uploaded_by(Uploader::Customer, name, content_type, declared, bytes)
            .await
    }

    async fn uploaded_by(
        &self,
        uploader: Uploader,
        name: &str,
        content_type: &str,
        declared: u64,
        bytes: &[u8],
    ) -> FileRecord {
        let id = FileId::new();
        let file = FileRecord {
            id,
            tenant_id: self.tenant,
            customer_id: self.customer,
            key: ObjectKey::for_upload(self.tenant, self.customer, &id.to_string(), name).unwrap(),
            name: name.into(),
            folder: String::new(),
            content_type: content_type.into(),
            declared_size: declared,
            size: None,
            etag: None,
            state: FileState::Pending,
            uploaded_by: uploader,
            created_at: Utc::now(),
            uploaded_at: None,
            reason: None,
            version: 1,
            multipart: None,
        };
        assert_eq!(
            self.store.create_file(&file, 1 << 30).await.unwrap(),
            FileCreation::Created
        );
        self.objects
            .write(&file.key, content_type, bytes.to_vec())
            .await
            .unwrap();
        file
    }

    async fn reread(&self, file: &FileRecord) -> FileRecord {
        self.store
            .get_file(file.tenant_id, file.customer_id, file.id)
            .await
            .unwrap()
            .expect("the file is recorded")
    }
}

/// The fixture with `key` as S3 writes it into events: form-encoded.
fn event_for(key: &str) -> S3Event {
    let encoded: String = url::form_urlencoded::byte_serialize(key.as_bytes())
        .collect::<String>()
        .replace("%2F", "/");
    let json = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/s3-object-created.json"
    ))
    .unwrap()
    .replace("__KEY__", &encoded);
    serde_json::from_str(&json).expect("a real S3 event parses")
}

#[tokio::test]
async fn a_matching_upload_becomes_available_with_its_size_and_etag() {
    let world = World::new();
    let file = world
        .uploaded(
            "Grüße aus Köln.pdf",
            "application/pdf",
            PDF.len() as u64,
            PDF,
        )
        .await;
    assert!(file.key.as_str().contains("Grüße_aus_Köln.pdf"));

    let outcomes = handle_event(&world.state, event_for(file.key.as_str()))
        .await
        .unwrap();

    assert_eq!(outcomes, vec![Outcome::Available(file.id)]);
    let recorded = world.reread(&file).await;
    assert_eq!(recorded.state, FileState::Available);
    assert_eq!(recorded.size, Some(PDF.len() as u64));
    assert_eq!(
        recorded.etag.as_deref(),
        Some("d41d8cd98f00b204e9800998ecf8427e")
    );
    assert_eq!(
        recorded.uploaded_at.map(|t| t.to_rfc3339()),
        Some("2026-03-14T09:26:53.589+00:00".to_owned())
    );
    assert_eq!(recorded.version, 2);
}

#[tokio::test]
async fn a_completed_multipart_upload_is_recorded_like_a_form_upload() {
    // Arrange: a pending file whose bytes arrived in two parts (S3's multipart ETag is
    // `{digest}-{parts}`, and the type is sniffed from a ranged read of the joined object).
    let world = World::new();
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.resize(5 * 1024 * 1024, b'z');
    let file = world
        .uploaded("Film.zip", "application/zip", bytes.len() as u64 + 5, b"")
        .await;
    world.objects.delete(&file.key).await.unwrap();
    let upload = world
        .objects
        .create_multipart(&file.key, "application/zip")
        .await
        .unwrap();
    world
        .objects
        .write_part(&file.key, &upload, 1, bytes)
        .await
        .unwrap();
    world
        .objects
        .write_part(&file.key, &upload, 2, b"rest!".to_vec())
        .await
        .unwrap();
    let parts = world.objects.list_parts(&file.key, &upload).await.unwrap();
    world
        .objects
        .complete_multipart(&file.key, &upload, &parts)
        .await
        .unwrap();
    let json = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/s3-object-created-multipart.json"
    ))
    .unwrap()
    .replace("__KEY__", file.key.as_str());
    let event: S3Event = serde_json::from_str(&json).expect("a real S3 event parses");

    // Act: the event and a duplicate of it.
    let first = handle_event(&world.state, event.clone()).await.unwrap();
    let again = handle_event(&world.state, event).await.unwrap();

    // Assert
    assert_eq!(first, vec![Outcome::Available(file.id)]);
    assert_eq!(again, vec![Outcome::AlreadyHandled(file.id)]);
    let recorded = world.reread(&file).await;
    assert_eq!(recorded.size, Some(5 * 1024 * 1024 + 5));
    assert_eq!(
        recorded.etag.as_deref(),
        Some("3858f62230ac3c915f300c664312c11f-2")
    );
}

#[tokio::test]
async fn a_duplicate_or_late_event_changes_nothing() {
    let world = World::new();
    let file = world
        .uploaded("a.pdf", "application/pdf", PDF.len() as u64, PDF)
        .await;
    handle_event(&world.state, event_for(file.key.as_str()))
        .await
        .unwrap();
    let first = world.reread(&file).await;

    let again = handle_event(&world.state, event_for(file.key.as_str()))
        .await
        .unwrap();

    assert_eq!(again, vec![Outcome::AlreadyHandled(file.id)]);
    assert_eq!(world.reread(&file).await, first);
}

#[tokio::test]
async fn duplicates_at_the_same_moment_record_the_file_once() {
    let world = Arc::new(World::new());
    let file = world
        .uploaded("a.pdf", "application/pdf", PDF.len() as u64, PDF)
        .await;

    let runs: Vec<_> = (0..4)
        .map(|_| {
            let world = world.clone();
            let key = file.key.to_string();
            tokio::spawn(async move { handle_event(&world.state, event_for(&key)).await.unwrap() })
        })
        .collect();
    let mut outcomes = Vec::new();
    for run in runs {
        outcomes.extend(run.await.unwrap());
    }

    let recorded = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Available(_)))
        .count();
    assert_eq!(recorded, 1, "{outcomes:?}");
    assert_eq!(world.reread(&file).await.version, 2);
}

#[tokio::test]
async fn content_that_is_not_the_declared_type_is_rejected_and_deleted() {
    let world = World::new();
    let file = world
        .uploaded("Rechnung.pdf", "application/pdf", EXE.len() as u64, EXE)
        .await;

    let outcomes = handle_event(&world.state, event_for(file.key.as_str()))
        .await
        .unwrap();

    assert_eq!(
        outcomes,
        vec![Outcome::Rejected {
            file: file.id,
            reason: "content-is-application/vnd.microsoft.portable-executable".into()
        }]
    );
    let recorded = world.reread(&file).await;
    assert_eq!(recorded.state, FileState::Rejected);
    assert_eq!(world.objects.head(&file.key).await.unwrap(), None);
    assert_eq!(
        world
            .store
            .file_usage(world.tenant, world.customer)
            .await
            .unwrap(),
        0
    );
    let late = handle_event(&world.state, event_for(file.key.as_str()))
        .await
        .unwrap();
    assert_eq!(late, vec![Outcome::AlreadyHandled(file.id)]);
}

#[tokio::test]
async fn a_size_other_than_declared_is_rejected() {
    let world = World::new();
    let file = world.uploaded("a.pdf", "application/pdf", 999, PDF).await;

    let outcomes = handle_event(&world.state, event_for(file.key.as_str()))
        .await
        .unwrap();

    assert_eq!(
        outcomes,
        vec![Outcome::Rejected {
            file: file.id,
            reason: "size-mismatch".into()
        }]
    );
    assert_eq!(world.objects.head(&file.key).await.unwrap(), None);
}

#[tokio::test]
async fn unknown_and_forged_keys_are_dropped_and_touch_nothing() {
    let world = World::new();
    let victim = world
        .uploaded("Vertrag.pdf", "application/pdf", PDF.len() as u64, PDF)
        .await;
    let attacker_tenant = TenantId::new();
    // The victim's ids with another name, another tenant's path with the victim's file id,
    // a file nobody signed, a key outside the files, a key that is no key.
    let forged_name = format!(
        "tenants/{}/customers/{}/files/{}/other.pdf",
        world.tenant, world.customer, victim.id
    );
    let other_tenant = format!(
        "tenants/{attacker_tenant}/customers/{}/files/{}/Vertrag.pdf",
        world.customer, victim.id
    );
    let unsigned = format!(
        "tenants/{}/customers/{}/files/{}/x.pdf",
        world.tenant,
        world.customer,
        FileId::new()
    );
    let cases = [
        (forged_name.as_str(), "key-mismatch"),
        (other_tenant.as_str(), "no-such-file"),
        (unsigned.as_str(), "no-such-file"),
        ("uploads/x.pdf", "not-a-file-key"),
        ("tenants/../x", "bad-key"),
    ];
    for (key, why) in cases {
        world
            .objects
            .write(
                &ObjectKey::parse("junk/x").unwrap(),
                "text/plain",
                b"x".to_vec(),
            )
            .await
            .unwrap();
        let outcomes = handle_event(&world.state, event_for(key)).await.unwrap();
        assert_eq!(outcomes, vec![Outcome::Unknown(why)], "{key}");
    }
    let untouched = world.reread(&victim).await;
    assert_eq!(untouched.state, FileState::Pending);
    assert_eq!(untouched.version, 1);
}

#[tokio::test]
async fn other_event_kinds_are_ignored() {
    let world = World::new();
    let file = world
        .uploaded("a.pdf", "application/pdf", PDF.len() as u64, PDF)
        .await;
    let mut event = event_for(file.key.as_str());
    event.records[0].event_name = Some("ObjectRemoved:Delete".into());

    let outcomes = handle_event(&world.state, event).await.unwrap();

    assert!(outcomes.is_empty());
    assert_eq!(world.reread(&file).await.state, FileState::Pending);
}

/// A world whose tenant and customer exist (the notices need their addresses).
async fn world_with_people() -> World {
    let mut world = World::new();
    let agency = testkit::agency(
        world.store.as_ref(),
        &portal::domain::NewTenant {
            name: "Webagentur Berg".into(),
            portal_base_url: "https://berg.example".into(),
            sender_email: "portal@berg.example".into(),
            default_language: "en".into(),
            tier: "starter".into(),
        },
        "notices",
    )
    .await;
    let (customer, _) =
        testkit::customer_session(world.store.as_ref(), agency.tenant.id, "anna@kunde.example")
            .await;
    world.tenant = agency.tenant.id;
    world.customer = customer;
    world
}

#[tokio::test]
async fn uploads_within_minutes_share_one_email_to_the_agency() {
    let world = world_with_people().await;
    let a = world
        .uploaded("Logo.pdf", "application/pdf", PDF.len() as u64, PDF)
        .await;
    let b = world
        .uploaded("Texte.pdf", "application/pdf", PDF.len() as u64, PDF)
        .await;
    handle_event(&world.state, event_for(a.key.as_str()))
        .await
        .unwrap();
    handle_event(&world.state, event_for(b.key.as_str()))
        .await
        .unwrap();
    handle_event(&world.state, event_for(a.key.as_str()))
        .await
        .unwrap(); // a duplicate

    let early = notices::sweep(&world.state, Utc::now()).await.unwrap();
    let due = notices::sweep(
        &world.state,
        Utc::now() + notices::WINDOW + chrono::Duration::seconds(1),
    )
    .await
    .unwrap();
    let again = notices::sweep(&world.state, Utc::now() + chrono::Duration::hours(1))
        .await
        .unwrap();

    assert_eq!(early.sent, 0);
    assert_eq!(due.sent, 1);
    assert_eq!(again.sent, 0);
    let sent = world.outbox.messages().unwrap();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].to, "portal@berg.example");
    assert!(
        sent[0].text.contains("Logo.pdf") && sent[0].text.contains("Texte.pdf"),
        "{}",
        sent[0].text
    );
    assert!(
        sent[0]
            .subject
            .as_deref()
            .unwrap_or_default()
            .contains("2 new files"),
        "{:?}",
        sent[0].subject
    );
}

#[tokio::test]
async fn a_file_the_agency_shares_is_told_to_the_customer_in_their_language() {
    let world = world_with_people().await;
    let shared = world
        .uploaded_by(
            Uploader::Agency { staff: None },
            "Entwurf.pdf",
            "application/pdf",
            PDF.len() as u64,
            PDF,
        )
        .await;
    handle_event(&world.state, event_for(shared.key.as_str()))
        .await
        .unwrap();

    notices::sweep(
        &world.state,
        Utc::now() + notices::WINDOW + chrono::Duration::seconds(1),
    )
    .await
    .unwrap();

    let sent = world.outbox.messages().unwrap();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].to, "anna@kunde.example");
    assert!(sent[0].text.contains("Entwurf.pdf"));
    assert!(
        sent[0]
            .text
            .contains("Im Kundenportal von Webagentur Berg liegt eine neue Datei"),
        "{}",
        sent[0].text
    );
}

#[tokio::test]
async fn two_sweeps_at_once_send_one_email() {
    let world = Arc::new(world_with_people().await);
    let file = world
        .uploaded("a.pdf", "application/pdf", PDF.len() as u64, PDF)
        .await;
    handle_event(&world.state, event_for(file.key.as_str()))
        .await
        .unwrap();
    let later = Utc::now() + notices::WINDOW + chrono::Duration::seconds(1);

    let runs: Vec<_> = (0..3)
        .map(|_| {
            let world = world.clone();
            tokio::spawn(async move { notices::sweep(&world.state, later).await.unwrap() })
        })
        .collect();
    let mut sent = 0;
    for run in runs {
        sent += run.await.unwrap().sent;
    }

    assert_eq!(sent, 1);
    assert_eq!(world.outbox.messages().unwrap().len(), 1);
}

/// A fixture (an event as AWS delivers it) with `__KEY__` replaced by `key`, as JSON.
fn fixture(name: &str, key: &str) -> serde_json::Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let json = std::fs::read_to_string(path)
        .unwrap()
        .replace("__KEY__", key);
    serde_json::from_str(&json).expect("a fixture is JSON")
}

#[tokio::test]
async fn an_s3_event_reaches_the_upload_handler() {
    let world = World::new();
    let file = world
        .uploaded("a.pdf", "application/pdf", PDF.len() as u64, PDF)
        .await;

    let handled = dispatch(
        &world.state,
        fixture("s3-object-created.json", file.key.as_str()),
    )
    .await
    .unwrap();

    assert_eq!(handled, Handled::Uploads(vec![Outcome::Available(file.id)]));
}

#[tokio::test]
async fn a_guardduty_scan_result_reaches_the_scan_handler_with_its_plain_key() {
    // Arrange: a checked file waiting for its verdict (the local twin has no scanner, so the
    // verdict stays unknown and the file waits on).
    let world = World::new();
    let file = world
        .uploaded("a.pdf", "application/pdf", PDF.len() as u64, PDF)
        .await;
    let waiting = FileRecord {
        state: FileState::AwaitingScan,
        version: 2,
        ..file.clone()
    };
    world.store.update_file(&file, &waiting).await.unwrap();

    // Act
    let handled = dispatch(
        &world.state,
        fixture("guardduty-scan-result.json", file.key.as_str()),
    )
    .await
    .unwrap();

    // Assert
    assert_eq!(
        handled,
        Handled::ScanResult(Outcome::AlreadyHandled(file.id))
    );
    assert_eq!(world.reread(&file).await.state, FileState::AwaitingScan);
}

#[tokio::test]
async fn the_schedule_sweeps_the_notices() {
    let mut world = world_with_people().await;
    let file = world
        .uploaded("Logo.pdf", "application/pdf", PDF.len() as u64, PDF)
        .await;
    handle_event(&world.state, event_for(file.key.as_str()))
        .await
        .unwrap();
    let later = Utc::now() + notices::WINDOW + chrono::Duration::seconds(1);
    world.state.clock = Arc::new(testkit::TestClock::at(later));

    let handled = dispatch(&world.state, fixture("scheduled-event.json", ""))
        .await
        .unwrap();

    assert_eq!(
        handled,
        Handled::Sweep(notices::Swept {
            sent: 1,
            ..Default::default()
        })
    );
    assert_eq!(world.outbox.messages().unwrap().len(), 1);
}

#[tokio::test]
async fn an_event_of_no_known_kind_fails_with_its_type() {
    let world = World::new();
    let cases = [
        (
            serde_json::json!({"source": "aws.s3", "detail": {}}),
            "UploadEvents.UnknownEvent",
        ),
        (
            serde_json::json!({"source": "aws.guardduty", "detail": {}}),
            "UploadEvents.NotAScanResult",
        ),
        (
            serde_json::json!({"Records": "not a list"}),
            "UploadEvents.NotAnS3Event",
        ),
    ];
    for (payload, expected) in cases {
        let failed = dispatch(&world.state, payload.clone()).await.unwrap_err();
        assert_eq!(failed.error_type, expected, "{payload}");
    }
}

/// A mailer that fails its first `failures` sends (SES throttling, say), then hands
/// every email to the outbox; it counts every try.
struct FlakyMailer {
    outbox: Arc<embedded::Outbox>,
    failures: usize,
    tries: std::sync::atomic::AtomicUsize,
}

#[async_trait::async_trait]
impl portal::ports::Mailer for FlakyMailer {
    async fn send_email(
        &self,
        email: &portal::domain::OutgoingEmail,
    ) -> Result<String, portal::ports::DeliveryError> {
        let tried = self.tries.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if tried < self.failures {
            return Err(portal::ports::DeliveryError::Unavailable(
                "throttled".into(),
            ));
        }
        self.outbox.send_email(email).await
    }
}

/// A world whose agency has one file's notice waiting, sent through a mailer that fails
/// `failures` times; and the moment that notice is due.
async fn notice_with_flaky_mailer(
    failures: usize,
) -> (World, Arc<FlakyMailer>, chrono::DateTime<Utc>) {
    let mut world = world_with_people().await;
    let mailer = Arc::new(FlakyMailer {
        outbox: world.outbox.clone(),
        failures,
        tries: Default::default(),
    });
    world.state.mailer = mailer.clone();
    let file = world
        .uploaded("Logo.pdf", "application/pdf", PDF.len() as u64, PDF)
        .await;
    handle_event(&world.state, event_for(file.key.as_str()))
        .await
        .unwrap();
    let due = Utc::now() + notices::WINDOW + chrono::Duration::seconds(1);
    (world, mailer, due)
}

#[tokio::test]
async fn a_notice_whose_email_fails_is_sent_by_a_sweep_after_the_lease() {
    // Arrange
    let (world, mailer, due) = notice_with_flaky_mailer(1).await;

    // Act
    let failed = notices::sweep(&world.state, due).await.unwrap();
    let during_lease = notices::sweep(&world.state, due + chrono::Duration::minutes(1))
        .await
        .unwrap();
    let after_lease = notices::sweep(
        &world.state,
        due + notices::LEASE + chrono::Duration::seconds(1),
    )
    .await
    .unwrap();
    let later = notices::sweep(&world.state, due + chrono::Duration::hours(1))
        .await
        .unwrap();

    // Assert: tried, held back while leased, sent once, then gone.
    assert_eq!(failed.failed, 1);
    assert_eq!((during_lease.sent, during_lease.skipped), (0, 1));
    assert_eq!(after_lease.sent, 1);
    assert_eq!(later, notices::Swept::default());
    let sent = world.outbox.messages().unwrap();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].text.contains("Logo.pdf"));
    assert_eq!(mailer.tries.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_notice_whose_email_keeps_failing_is_given_up_after_its_attempts() {
    let (world, mailer, due) = notice_with_flaky_mailer(usize::MAX).await;

    for n in 0..(notices::MAX_ATTEMPTS as i32 + 3) {
        let at = due + (notices::LEASE + chrono::Duration::seconds(1)) * n;
        notices::sweep(&world.state, at).await.unwrap();
    }

    assert_eq!(
        mailer.tries.load(std::sync::atomic::Ordering::SeqCst),
        notices::MAX_ATTEMPTS as usize
    );
    assert!(
        world
            .store
            .notices(
                world.tenant,
                world.customer,
                portal::domain::NoticeTo::Agency
            )
            .await
            .unwrap()
            .is_empty(),
        "given up: the notices are gone"
    );
}

#[tokio::test]
async fn an_upload_that_arrives_after_its_file_was_deleted_is_deleted_and_recorded_nowhere() {
    // Arrange: the customer deletes a file while its upload is still on its way; the bytes
    // land afterwards.
    let world = World::new();
    let file = world
        .uploaded("late.pdf", "application/pdf", PDF.len() as u64, PDF)
        .await;
    world.objects.delete(&file.key).await.unwrap();
    world.store.delete_file(&file).await.unwrap();
    world
        .objects
        .write(&file.key, "application/pdf", PDF.to_vec())
        .await
        .unwrap();

    // Act
    let outcomes = handle_event(&world.state, event_for(file.key.as_str()))
        .await
        .unwrap();
    let again = handle_event(&world.state, event_for(file.key.as_str()))
        .await
        .unwrap();

    // Assert: the object is gone, nothing recorded, no bytes held against the quota.
    assert_eq!(outcomes, vec![Outcome::Discarded(file.id)]);
    assert_eq!(again, vec![Outcome::Unknown("object-gone")]);
    assert!(world.objects.head(&file.key).await.unwrap().is_none());
    assert!(
        world
            .store
            .get_file(file.tenant_id, file.customer_id, file.id)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        world
            .store
            .file_usage(file.tenant_id, file.customer_id)
            .await
            .unwrap(),
        0
    );
}
