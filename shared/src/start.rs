//! What the customer's start page offers for each project status: which areas exist, which
//! comes first, and whether something waits for the customer in each.
//!
//! The table is [`areas_for`]; whether something waits is one small function per area in
//! [`Waiting::check`]. An area whose function is not written yet answers `None` ("cannot
//! tell"), never a guess: the feedback work fills in its arm (and its port in [`Waiting`])
//! when it lands; files wait while the agency shared one since the customer last looked
//! ([`FilesArea`]). Form entries are there for an online project and, whatever
//! the status (but paused), as soon as the customer has a form ([`FormsArea`]).

use std::sync::Arc;

use serde::Serialize;

use crate::{
    domain::{Customer, ProjectStatus, Uploader},
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

/// Whether something in an area waits for the customer.
#[async_trait::async_trait]
pub trait WaitCheck: Send + Sync {
    async fn waits(&self, customer: &Customer) -> Result<bool, StoreError>;
}

/// Whether an area that is not in the status's table has something in it, so it is shown
/// anyway (the form entries area as soon as a form exists).
#[async_trait::async_trait]
pub trait AreaPresence: Send + Sync {
    async fn present(&self, customer: &Customer) -> Result<bool, StoreError>;
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
    async fn live_url(&self, customer: &Customer) -> Result<Option<String>, StoreError>;
}

/// What the start page asks about forms: whether an entry is unread, and whether a form
/// exists (then the area is shown in any status but paused).
pub trait FormsCheck: WaitCheck + AreaPresence {}
impl<T: WaitCheck + AreaPresence> FormsCheck for T {}

impl Waiting {
    /// Whether something in `area` waits for `customer`; `None` when the area cannot tell
    /// (its check is not built yet).
    pub async fn check(&self, area: Area, customer: &Customer) -> Result<Option<bool>, StoreError> {
        let check = match area {
            Area::Wishes => self.wishes.as_ref(),
            Area::Files => self.files.as_ref(),
            Area::Feedback => {
                return match &self.feedback {
                    Some(check) => check.waits(customer).await.map(Some),
                    None => Ok(None),
                };
            }
            Area::FormEntries => {
                return match &self.form_entries {
                    Some(check) => check.waits(customer).await.map(Some),
                    None => Ok(None),
                };
            }
            // The customer's own data never waits for them.
            Area::MyData => return Ok(Some(false)),
        };
        match check {
            Some(check) => check.waits(customer).await.map(Some),
            None => Ok(None),
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

/// The start page of `customer`, each area asked whether something waits.
pub async fn start_view(customer: &Customer, waiting: &Waiting) -> Result<StartView, StoreError> {
    let on_hold = customer.status == ProjectStatus::Paused;
    let mut table = areas_for(customer.status).to_vec();
    if !table.contains(&Area::Feedback)
        && let Some(feedback) = &waiting.feedback
        && feedback.present(customer).await?
    {
        // Before "My data", which stays last.
        table.insert(table.len() - 1, Area::Feedback);
    }
    if !on_hold
        && !table.contains(&Area::FormEntries)
        && let Some(forms) = &waiting.form_entries
        && forms.present(customer).await?
    {
        // Before "My data", which stays last.
        table.insert(table.len() - 1, Area::FormEntries);
    }
    let mut areas = Vec::with_capacity(table.len());
    for area in &table {
        areas.push(AreaView {
            area: *area,
            path: area.path(),
            waiting: waiting.check(*area, customer).await?,
        });
    }
    let live_site = match &waiting.feedback {
        Some(site) if customer.status == ProjectStatus::Online => site.live_url(customer).await?,
        _ => None,
    };
    Ok(StartView {
        status: customer.status,
        on_hold,
        first: (!on_hold).then(|| table[0]),
        areas,
        live_site,
    })
}

/// The feedback area over the feedback port: beyond the `feedback` and `launch` statuses,
/// there for an online project whose agency still takes feedback (the same rule as creating
/// items, [`crate::domain::feedback::feedback_open`]); waiting while one of the customer's
/// items has a reply or state of the agency's they have not opened.
pub struct FeedbackArea {
    pub feedback: Arc<dyn FeedbackStore>,
}

/// How many items the start page looks at for something unseen.
const NEWEST_ITEMS: usize = 200;

#[async_trait::async_trait]
impl AreaPresence for FeedbackArea {
    async fn present(&self, customer: &Customer) -> Result<bool, StoreError> {
        if customer.status != ProjectStatus::Online {
            return Ok(false);
        }
        let site = self
            .feedback
            .get_feedback_site(customer.tenant_id, customer.id)
            .await?;
        Ok(site.is_some_and(|s| {
            crate::domain::feedback::feedback_open(customer.status, s.after_online)
        }))
    }
}

#[async_trait::async_trait]
impl LiveSite for FeedbackArea {
    async fn live_url(&self, customer: &Customer) -> Result<Option<String>, StoreError> {
        let site = self
            .feedback
            .get_feedback_site(customer.tenant_id, customer.id)
            .await?;
        Ok(site.and_then(|s| s.live_url).map(|url| url.to_string()))
    }
}

#[async_trait::async_trait]
impl WaitCheck for FeedbackArea {
    async fn waits(&self, customer: &Customer) -> Result<bool, StoreError> {
        let mut after = None;
        let mut read = 0;
        loop {
            let page = self
                .feedback
                .list_feedback_items(customer.tenant_id, customer.id, after, 100)
                .await?;
            if page.items.iter().any(|i| i.customer_unseen) {
                return Ok(true);
            }
            read += page.items.len();
            match page.next {
                Some(next) if read < NEWEST_ITEMS => after = Some(next),
                _ => return Ok(false),
            }
        }
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
    async fn present(&self, customer: &Customer) -> Result<bool, StoreError> {
        let forms = self
            .forms
            .list_forms(customer.tenant_id, customer.id)
            .await?;
        Ok(!forms.is_empty())
    }
}

#[async_trait::async_trait]
impl WaitCheck for FormsArea {
    async fn waits(&self, customer: &Customer) -> Result<bool, StoreError> {
        let filter = EntryFilter {
            tenant: customer.tenant_id,
            customer: customer.id,
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
    async fn waits(&self, customer: &Customer) -> Result<bool, StoreError> {
        let seen = self
            .files
            .files_seen(customer.tenant_id, customer.id)
            .await?;
        let newest = self
            .files
            .list_files(customer.tenant_id, customer.id, None, None, NEWEST_FILES)
            .await?;
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
        async fn waits(&self, _: &Customer) -> Result<bool, StoreError> {
            Ok(self.0)
        }
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
            let view = start_view(&customer(status), &waiting).await.unwrap();
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
        let view = start_view(&customer(ProjectStatus::Preparation), &Waiting::default())
            .await
            .unwrap();
        assert_eq!(view.areas[0].area, Area::Wishes);
        assert_eq!(view.areas[0].waiting, None);
        let done = Waiting {
            wishes: Some(Arc::new(Always(false))),
            ..Waiting::default()
        };
        let view = start_view(&customer(ProjectStatus::Preparation), &done)
            .await
            .unwrap();
        assert_eq!(view.areas[0].waiting, Some(false));
    }

    /// A customer with (or without) a form, whose entries are (or are not) unread.
    struct Forms {
        exist: bool,
        unread: bool,
    }

    #[async_trait::async_trait]
    impl WaitCheck for Forms {
        async fn waits(&self, _: &Customer) -> Result<bool, StoreError> {
            Ok(self.unread)
        }
    }

    #[async_trait::async_trait]
    impl AreaPresence for Forms {
        async fn present(&self, _: &Customer) -> Result<bool, StoreError> {
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
            let view = start_view(&customer(status), &with_form).await.unwrap();
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
            let view = start_view(&customer(status), &without_form).await.unwrap();
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
        async fn waits(&self, _: &Customer) -> Result<bool, StoreError> {
            Ok(self.unseen)
        }
    }

    #[async_trait::async_trait]
    impl AreaPresence for Feedback {
        async fn present(&self, c: &Customer) -> Result<bool, StoreError> {
            Ok(c.status == ProjectStatus::Online && self.after_online)
        }
    }

    #[async_trait::async_trait]
    impl LiveSite for Feedback {
        async fn live_url(&self, _: &Customer) -> Result<Option<String>, StoreError> {
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
            let view = start_view(&customer(status), &waiting).await.unwrap();
            let expected = (status == ProjectStatus::Online)
                .then(|| "https://www.baeckerei-example.de/".to_owned());
            assert_eq!(view.live_site, expected, "{status}");
        }
        // Without the feedback port the start page can't know it.
        let view = start_view(&customer(ProjectStatus::Online), &Waiting::default())
            .await
            .unwrap();
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
        let view = start_view(&customer(ProjectStatus::Feedback), &with(false, true))
            .await
            .unwrap();
        assert_eq!(view.areas[0].area, Area::Feedback);
        assert_eq!(view.areas[0].waiting, Some(true));
        let online = start_view(&customer(ProjectStatus::Online), &with(false, false))
            .await
            .unwrap();
        assert!(!online.areas.iter().any(|a| a.area == Area::Feedback));
        let online = start_view(&customer(ProjectStatus::Online), &with(true, false))
            .await
            .unwrap();
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
            let view = start_view(&customer(status), &with(true, true))
                .await
                .unwrap();
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
