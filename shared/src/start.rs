//! What the customer's start page offers for each project status: which areas exist, which
//! comes first, and whether something waits for the customer in each.
//!
//! The table is [`areas_for`]; whether something waits is one small function per area, all
//! asked at once by [`Waiting::read`]. An area whose function is not written yet answers
//! `None` ("cannot tell"), never a guess; files wait while the agency shared one since the
//! customer last looked ([`FilesArea`]). Form entries are there for an online project and,
//! whatever the status (but paused), as soon as the customer has a form ([`FormsArea`]).
//!
//! Every area reads by the customer's keys alone ([`Owner`]), never by their status: a page
//! sends these reads beside the customer's own record (the session names both), and
//! [`start_view`] then keeps what the status shows. Reading an area the status does not
//! show costs a read in the same round trip, not a round trip more.

use std::sync::Arc;

use serde::Serialize;

use crate::{
    domain::{Customer, CustomerId, ProjectStatus, TenantId, Uploader},
    ports::{
        Clock, EntryFilter, FeedbackStore, FileRecordStore, FormEntryStore, FormStore, StoreError,
    },
};

/// One area of the portal, as the start page and the navigation name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    /// The brief: what the customer wants from the website.
    Wishes,
    /// Files the customer and the agency share (texts, photos, logo).
    Files,
    /// Feedback on the preview.
    Feedback,
    /// What visitors sent through the website's forms.
    FormEntries,
    /// The customer's own data ("My data").
    MyData,
}

impl Area {
    pub const ALL: [Area; 5] = [
        Area::Wishes,
        Area::Files,
        Area::Feedback,
        Area::FormEntries,
        Area::MyData,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Area::Wishes => "wishes",
            Area::Files => "files",
            Area::Feedback => "feedback",
            Area::FormEntries => "form-entries",
            Area::MyData => "my-data",
        }
    }

    /// Where the area is in the portal.
    pub fn path(self) -> &'static str {
        match self {
            Area::Wishes => "/wishes",
            // The page; `/files` is its JSON API.
            Area::Files => "/files/page",
            Area::Feedback => "/feedback",
            // The page; `/form-entries` is its JSON API.
            Area::FormEntries => "/entries",
            Area::MyData => "/me",
        }
    }
}

/// The areas a customer in `status` sees, in order: the first is what to do first. "My
/// data" is always there, last. Paused projects show only it (the start page says the
/// project is on hold).
pub fn areas_for(status: ProjectStatus) -> &'static [Area] {
    use Area::*;
    match status {
        ProjectStatus::Preparation => &[Wishes, Files, MyData],
        ProjectStatus::Design => &[Files, Wishes, MyData],
        ProjectStatus::Feedback => &[Feedback, Files, Wishes, MyData],
        ProjectStatus::Launch => &[Feedback, Files, MyData],
        ProjectStatus::Online => &[FormEntries, Files, MyData],
        ProjectStatus::Paused => &[MyData],
    }
}

/// Whose start page it is: the agency and the customer, as the session names them. The
/// areas read by these keys alone, so their reads need not wait for the customer's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub tenant: TenantId,
    pub customer: CustomerId,
}

impl From<&Customer> for Owner {
    fn from(customer: &Customer) -> Self {
        Self {
            tenant: customer.tenant_id,
            customer: customer.id,
        }
    }
}

/// Whether something in an area waits for the customer.
#[async_trait::async_trait]
pub trait WaitCheck: Send + Sync {
    async fn waits(&self, owner: Owner) -> Result<bool, StoreError>;
}

/// Whether an area that is not in the status's table has something in it, so it is shown
/// anyway (the form entries area as soon as a form exists; feedback once online while the
/// agency still takes it). [`start_view`] decides in which statuses the answer counts.
#[async_trait::async_trait]
pub trait AreaPresence: Send + Sync {
    async fn present(&self, owner: Owner) -> Result<bool, StoreError>;
}

/// The checks the start page can run, one per area that has one. A new area's work adds its
/// port here and its arm in [`Waiting::check`].
#[derive(Clone, Default)]
pub struct Waiting {
    /// The brief is not submitted yet (or changed since): see the wishes function.
    pub wishes: Option<Arc<dyn WaitCheck>>,
    /// Unread form entries, and whether the customer has a form at all: see [`FormsArea`].
    pub form_entries: Option<Arc<dyn FormsCheck>>,
    /// Files the agency shared since the customer last opened the files page: see
    /// [`FilesArea`].
    pub files: Option<Arc<dyn WaitCheck>>,
    /// The agency's replies and state changes the customer has not opened, and whether an
    /// online project still takes feedback: see [`FeedbackArea`].
    pub feedback: Option<Arc<dyn FeedbackCheck>>,
}

/// What the start page asks about feedback: whether the agency's replies or states wait,
/// and whether the area is there beyond its statuses (online, with the agency's consent).
pub trait FeedbackCheck: WaitCheck + AreaPresence + LiveSite {}
impl<T: WaitCheck + AreaPresence + LiveSite> FeedbackCheck for T {}

/// Where the customer's live website is (the agency registers it with the feedback site),
/// which the start page shows once the project is online.
#[async_trait::async_trait]
pub trait LiveSite: Send + Sync {
    async fn live_url(&self, owner: Owner) -> Result<Option<String>, StoreError>;
}

/// What the start page asks about forms: whether an entry is unread, and whether a form
/// exists (then the area is shown in any status but paused).
pub trait FormsCheck: WaitCheck + AreaPresence {}
impl<T: WaitCheck + AreaPresence> FormsCheck for T {}

/// What every area answered for one customer ([`Waiting::read`]); `None` where the area has
/// no check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AreaAnswers {
    /// The brief waits.
    pub wishes: Option<bool>,
    /// A shared file is new.
    pub files: Option<bool>,
    pub form_entries: Option<FormsAnswer>,
    pub feedback: Option<FeedbackAnswer>,
}

/// What the form entries area answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FormsAnswer {
    /// The customer has a form (the area is shown in every status but paused).
    pub present: bool,
    /// One of the newest entries is unread.
    pub waits: bool,
}

/// What the feedback area answered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedbackAnswer {
    /// The agency takes feedback once the project is online (counts only then).
    pub present: bool,
    /// A reply or state of the agency's is unopened.
    pub waits: bool,
    /// The live website (shown only once online).
    pub live_site: Option<String>,
}

impl Waiting {
    /// Every area's answer for `owner`, all asked at once and whatever the customer's status
    /// (which [`start_view`] applies), so that a page can send them beside the reads of the
    /// session's account and the customer's record: one round trip for all of them.
    pub async fn read(&self, owner: Owner) -> Result<AreaAnswers, StoreError> {
        let waits = |check: &Option<Arc<dyn WaitCheck>>| {
            let check = check.clone();
            async move {
                match check {
                    Some(check) => check.waits(owner).await.map(Some),
                    None => Ok(None),
                }
            }
        };
        let form_entries = async {
            match &self.form_entries {
                Some(c) => {
                    let (present, waits) = tokio::try_join!(c.present(owner), c.waits(owner))?;
                    Ok(Some(FormsAnswer { present, waits }))
                }
                None => Ok(None),
            }
        };
        let feedback = async {
            match &self.feedback {
                Some(c) => {
                    let (present, waits, live_site) =
                        tokio::try_join!(c.present(owner), c.waits(owner), c.live_url(owner))?;
                    Ok(Some(FeedbackAnswer {
                        present,
                        waits,
                        live_site,
                    }))
                }
                None => Ok(None),
            }
        };
        let (wishes, files, form_entries, feedback) = tokio::try_join!(
            waits(&self.wishes),
            waits(&self.files),
            form_entries,
            feedback
        )?;
        Ok(AreaAnswers {
            wishes,
            files,
            form_entries,
            feedback,
        })
    }
}

impl AreaAnswers {
    /// Whether something in `area` waits; `None` when the area cannot tell (its check is not
    /// built yet).
    fn waits(&self, area: Area) -> Option<bool> {
        match area {
            Area::Wishes => self.wishes,
            Area::Files => self.files,
            Area::Feedback => self.feedback.as_ref().map(|f| f.waits),
            Area::FormEntries => self.form_entries.map(|f| f.waits),
            // The customer's own data never waits for them.
            Area::MyData => Some(false),
        }
    }
}

/// One area on the start page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AreaView {
    pub area: Area,
    pub path: &'static str,
    /// Something waits for the customer there; `null`: the area cannot tell yet.
    pub waiting: Option<bool>,
}

/// What the start page shows (`GET /me/start`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StartView {
    pub status: ProjectStatus,
    /// The project is paused: nothing to do now.
    pub on_hold: bool,
    /// What to do first; `null` when on hold.
    pub first: Option<Area>,
    pub areas: Vec<AreaView>,
    /// The live website's address once the project is online and the agency registered it;
    /// `null` otherwise.
    pub live_site: Option<String>,
}

/// The start page of `customer`, out of what the areas answered for them.
pub fn start_view(customer: &Customer, answers: &AreaAnswers) -> StartView {
    let on_hold = customer.status == ProjectStatus::Paused;
    let online = customer.status == ProjectStatus::Online;
    let mut table = areas_for(customer.status).to_vec();
    if online
        && !table.contains(&Area::Feedback)
        && answers.feedback.as_ref().is_some_and(|f| f.present)
    {
        // Before "My data", which stays last.
        table.insert(table.len() - 1, Area::Feedback);
    }
    if !on_hold
        && !table.contains(&Area::FormEntries)
        && answers.form_entries.is_some_and(|f| f.present)
    {
        // Before "My data", which stays last.
        table.insert(table.len() - 1, Area::FormEntries);
    }
    let areas = table
        .iter()
        .map(|area| AreaView {
            area: *area,
            path: area.path(),
            waiting: answers.waits(*area),
        })
        .collect();
    let live_site = match &answers.feedback {
        Some(feedback) if online => feedback.live_site.clone(),
        _ => None,
    };
    StartView {
        status: customer.status,
        on_hold,
        first: (!on_hold).then(|| table[0]),
        areas,
        live_site,
    }
}

/// The feedback area over the feedback port: beyond the `feedback` and `launch` statuses,
/// there for an online project whose agency still takes feedback (the same rule as creating
/// items, [`crate::domain::feedback::feedback_open`]); waiting while one of the customer's
/// items has a reply or state of the agency's they have not opened.
pub struct FeedbackArea {
    pub feedback: Arc<dyn FeedbackStore>,
}

/// How many of the newest items the start page looks at for something unseen: one small
/// query, whatever the count, made on every view (the agency answers recent items).
const NEWEST_ITEMS: usize = 50;

#[async_trait::async_trait]
impl AreaPresence for FeedbackArea {
    /// Whether the agency takes feedback once the project is online; [`start_view`] asks
    /// only for an online project.
    async fn present(&self, owner: Owner) -> Result<bool, StoreError> {
        let site = self
            .feedback
            .get_feedback_site(owner.tenant, owner.customer)
            .await?;
        Ok(site.is_some_and(|s| {
            crate::domain::feedback::feedback_open(ProjectStatus::Online, s.after_online)
        }))
    }
}

#[async_trait::async_trait]
impl LiveSite for FeedbackArea {
    async fn live_url(&self, owner: Owner) -> Result<Option<String>, StoreError> {
        let site = self
            .feedback
            .get_feedback_site(owner.tenant, owner.customer)
            .await?;
        Ok(site.and_then(|s| s.live_url).map(|url| url.to_string()))
    }
}

#[async_trait::async_trait]
impl WaitCheck for FeedbackArea {
    async fn waits(&self, owner: Owner) -> Result<bool, StoreError> {
        let newest = self
            .feedback
            .newest_feedback_items(owner.tenant, owner.customer, NEWEST_ITEMS)
            .await?;
        Ok(newest.iter().any(|i| i.customer_unseen))
    }
}

/// The form entries area over the forms ports: present once the customer has a form;
/// waiting while one of the newest entries is unread.
pub struct FormsArea {
    pub forms: Arc<dyn FormStore>,
    pub entries: Arc<dyn FormEntryStore>,
    pub clock: Arc<dyn Clock>,
}

/// How many of the newest entries the start page looks at for an unread one: the page marks
/// new entries itself; this only says "something new" on the start page.
const NEWEST_ENTRIES: usize = 50;

#[async_trait::async_trait]
impl AreaPresence for FormsArea {
    async fn present(&self, owner: Owner) -> Result<bool, StoreError> {
        let forms = self.forms.list_forms(owner.tenant, owner.customer).await?;
        Ok(!forms.is_empty())
    }
}

#[async_trait::async_trait]
impl WaitCheck for FormsArea {
    async fn waits(&self, owner: Owner) -> Result<bool, StoreError> {
        let filter = EntryFilter {
            tenant: owner.tenant,
            customer: owner.customer,
            form: None,
            from: None,
            to: None,
        };
        let newest = self
            .entries
            .list_entries(&filter, None, NEWEST_ENTRIES, self.clock.now())
            .await?;
        Ok(newest.items.iter().any(|e| e.read_at.is_none()))
    }
}

/// The files area over the file records: waiting while a file the agency shared became
/// available after the customer last opened the files page.
pub struct FilesArea {
    pub files: Arc<dyn FileRecordStore>,
}

/// How many of the newest files the start page looks at: one query, whatever the count; a
/// shared file older than the newest fifty is not "new" any more.
const NEWEST_FILES: usize = 50;

#[async_trait::async_trait]
impl WaitCheck for FilesArea {
    async fn waits(&self, owner: Owner) -> Result<bool, StoreError> {
        let (seen, newest) = tokio::try_join!(
            self.files.files_seen(owner.tenant, owner.customer),
            self.files
                .list_files(owner.tenant, owner.customer, None, None, NEWEST_FILES),
        )?;
        Ok(newest.items.iter().any(|f| {
            let shared = matches!(f.uploaded_by, Uploader::Agency { .. });
            let arrived = f.uploaded_at.unwrap_or(f.created_at);
            shared && f.state.is_downloadable() && seen.is_none_or(|seen| arrived > seen)
        }))
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::domain::{CustomerChanges, CustomerId, Language, TenantId};

    struct Always(bool);

    #[async_trait::async_trait]
    impl WaitCheck for Always {
        async fn waits(&self, _: Owner) -> Result<bool, StoreError> {
            Ok(self.0)
        }
    }

    /// The start page of `customer`, every area asked as a page asks them.
    async fn page_of(customer: &Customer, waiting: &Waiting) -> StartView {
        start_view(customer, &waiting.read(customer.into()).await.unwrap())
    }

    fn customer(status: ProjectStatus) -> Customer {
        let changes: CustomerChanges =
            serde_json::from_value(serde_json::json!({"companyName": "A"})).unwrap();
        let mut c = changes.validate(None).unwrap().into_new_customer(
            CustomerId::new(),
            TenantId::new(),
            Language::En,
            Utc::now(),
        );
        c.status = status;
        c
    }

    #[tokio::test]
    async fn every_status_has_its_areas_first_step_and_waiting_marks() {
        use Area::*;
        // status, first, areas in order, the areas whose wait is known with wishes waiting
        let table: [(ProjectStatus, Option<Area>, &[Area]); 6] = [
            (
                ProjectStatus::Preparation,
                Some(Wishes),
                &[Wishes, Files, MyData],
            ),
            (ProjectStatus::Design, Some(Files), &[Files, Wishes, MyData]),
            (
                ProjectStatus::Feedback,
                Some(Feedback),
                &[Feedback, Files, Wishes, MyData],
            ),
            (
                ProjectStatus::Launch,
                Some(Feedback),
                &[Feedback, Files, MyData],
            ),
            (
                ProjectStatus::Online,
                Some(FormEntries),
                &[FormEntries, Files, MyData],
            ),
            (ProjectStatus::Paused, None, &[MyData]),
        ];
        assert_eq!(table.len(), ProjectStatus::ALL.len());
        let waiting = Waiting {
            wishes: Some(Arc::new(Always(true))),
            files: Some(Arc::new(Always(true))),
            form_entries: None,
            feedback: None,
        };
        for (status, first, areas) in table {
            let view = page_of(&customer(status), &waiting).await;
            assert_eq!(view.status, status);
            assert_eq!(view.first, first, "{status}");
            assert_eq!(view.on_hold, status == ProjectStatus::Paused, "{status}");
            let shown: Vec<Area> = view.areas.iter().map(|a| a.area).collect();
            assert_eq!(shown, areas, "{status}");
            for a in &view.areas {
                assert_eq!(a.path, a.area.path());
                let expected = match a.area {
                    Wishes | Files => Some(true),
                    MyData => Some(false),
                    _ => None,
                };
                assert_eq!(a.waiting, expected, "{status}: {:?}", a.area);
            }
        }
    }

    #[tokio::test]
    async fn an_area_without_its_check_says_it_cannot_tell() {
        let view = page_of(&customer(ProjectStatus::Preparation), &Waiting::default()).await;
        assert_eq!(view.areas[0].area, Area::Wishes);
        assert_eq!(view.areas[0].waiting, None);
        let done = Waiting {
            wishes: Some(Arc::new(Always(false))),
            ..Waiting::default()
        };
        let view = page_of(&customer(ProjectStatus::Preparation), &done).await;
        assert_eq!(view.areas[0].waiting, Some(false));
    }

    /// A customer with (or without) a form, whose entries are (or are not) unread.
    struct Forms {
        exist: bool,
        unread: bool,
    }

    #[async_trait::async_trait]
    impl WaitCheck for Forms {
        async fn waits(&self, _: Owner) -> Result<bool, StoreError> {
            Ok(self.unread)
        }
    }

    #[async_trait::async_trait]
    impl AreaPresence for Forms {
        async fn present(&self, _: Owner) -> Result<bool, StoreError> {
            Ok(self.exist)
        }
    }

    #[tokio::test]
    async fn form_entries_are_shown_once_a_form_exists_in_every_status_but_paused() {
        for status in ProjectStatus::ALL {
            let with_form = Waiting {
                wishes: None,
                files: None,
                form_entries: Some(Arc::new(Forms {
                    exist: true,
                    unread: true,
                })),
                feedback: None,
            };
            let view = page_of(&customer(status), &with_form).await;
            let shown: Vec<Area> = view.areas.iter().map(|a| a.area).collect();
            let mut expected = areas_for(status).to_vec();
            if status != ProjectStatus::Paused && !expected.contains(&Area::FormEntries) {
                expected.insert(expected.len() - 1, Area::FormEntries);
            }
            assert_eq!(shown, expected, "{status}");
            assert_eq!(
                view.first,
                (status != ProjectStatus::Paused).then(|| expected[0])
            );
            if let Some(entries) = view.areas.iter().find(|a| a.area == Area::FormEntries) {
                assert_eq!(entries.waiting, Some(true), "{status}");
                assert_eq!(entries.path, "/entries");
            }

            let without_form = Waiting {
                wishes: None,
                files: None,
                form_entries: Some(Arc::new(Forms {
                    exist: false,
                    unread: false,
                })),
                feedback: None,
            };
            let view = page_of(&customer(status), &without_form).await;
            let shown: Vec<Area> = view.areas.iter().map(|a| a.area).collect();
            assert_eq!(shown, areas_for(status), "{status}");
        }
    }

    /// Feedback whose agency replied (or not), and that goes on online (or not).
    struct Feedback {
        after_online: bool,
        unseen: bool,
    }

    #[async_trait::async_trait]
    impl WaitCheck for Feedback {
        async fn waits(&self, _: Owner) -> Result<bool, StoreError> {
            Ok(self.unseen)
        }
    }

    #[async_trait::async_trait]
    impl AreaPresence for Feedback {
        async fn present(&self, _: Owner) -> Result<bool, StoreError> {
            Ok(self.after_online)
        }
    }

    #[async_trait::async_trait]
    impl LiveSite for Feedback {
        async fn live_url(&self, _: Owner) -> Result<Option<String>, StoreError> {
            Ok(Some("https://www.baeckerei-example.de/".to_owned()))
        }
    }

    #[tokio::test]
    async fn the_live_site_is_shown_once_online_and_only_then() {
        let waiting = Waiting {
            feedback: Some(Arc::new(Feedback {
                after_online: false,
                unseen: false,
            })),
            ..Waiting::default()
        };
        for status in ProjectStatus::ALL {
            let view = page_of(&customer(status), &waiting).await;
            let expected = (status == ProjectStatus::Online)
                .then(|| "https://www.baeckerei-example.de/".to_owned());
            assert_eq!(view.live_site, expected, "{status}");
        }
        // Without the feedback port the start page can't know it.
        let view = page_of(&customer(ProjectStatus::Online), &Waiting::default()).await;
        assert_eq!(view.live_site, None);
    }

    #[tokio::test]
    async fn the_feedback_area_waits_on_replies_and_stays_online_only_with_the_agencys_consent() {
        let with = |after_online, unseen| Waiting {
            wishes: None,
            files: None,
            form_entries: None,
            feedback: Some(Arc::new(Feedback {
                after_online,
                unseen,
            })),
        };
        let view = page_of(&customer(ProjectStatus::Feedback), &with(false, true)).await;
        assert_eq!(view.areas[0].area, Area::Feedback);
        assert_eq!(view.areas[0].waiting, Some(true));
        let online = page_of(&customer(ProjectStatus::Online), &with(false, false)).await;
        assert!(!online.areas.iter().any(|a| a.area == Area::Feedback));
        let online = page_of(&customer(ProjectStatus::Online), &with(true, false)).await;
        let shown: Vec<Area> = online.areas.iter().map(|a| a.area).collect();
        assert_eq!(
            shown,
            [Area::FormEntries, Area::Files, Area::Feedback, Area::MyData]
        );
        for status in [
            ProjectStatus::Preparation,
            ProjectStatus::Design,
            ProjectStatus::Paused,
        ] {
            let view = page_of(&customer(status), &with(true, true)).await;
            assert!(
                !view.areas.iter().any(|a| a.area == Area::Feedback),
                "{status}"
            );
        }
    }

    #[test]
    fn every_area_is_offered_in_some_status_and_my_data_in_all() {
        for area in Area::ALL {
            assert!(
                ProjectStatus::ALL
                    .iter()
                    .any(|s| areas_for(*s).contains(&area)),
                "{area:?}"
            );
        }
        for status in ProjectStatus::ALL {
            assert_eq!(areas_for(status).last(), Some(&Area::MyData), "{status}");
        }
    }
}
