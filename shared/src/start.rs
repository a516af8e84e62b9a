//! What the customer's start page offers for each project status: which areas exist, which
//! comes first, and whether something waits for the customer in each.
//!
//! The table is [`areas_for`]; whether something waits is one small function per area in
//! [`Waiting::check`]. An area whose function is not written yet answers `None` ("cannot
//! tell"), never a guess: the files, feedback and form-entries work fills in its arm (and its
//! port in [`Waiting`]) when it lands.

use std::sync::Arc;

use serde::Serialize;

use crate::{
    domain::{Customer, ProjectStatus},
    ports::StoreError,
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
            Area::Files => "/files",
            Area::Feedback => "/feedback",
            Area::FormEntries => "/form-entries",
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

/// The checks the start page can run, one per area that has one. A new area's work adds its
/// port here and its arm in [`Waiting::check`].
#[derive(Clone, Default)]
pub struct Waiting {
    /// The brief is not submitted yet (or changed since): see the wishes function.
    pub wishes: Option<Arc<dyn WaitCheck>>,
}

impl Waiting {
    /// Whether something in `area` waits for `customer`; `None` when the area cannot tell
    /// (its check is not built yet).
    pub async fn check(&self, area: Area, customer: &Customer) -> Result<Option<bool>, StoreError> {
        let check = match area {
            Area::Wishes => self.wishes.as_ref(),
            // New files shared by the agency: the files work (issue 10) fills this in.
            Area::Files => None,
            // Replies to the customer's feedback: the feedback work (issue 12).
            Area::Feedback => None,
            // New form entries: the form-intake work (issue 13).
            Area::FormEntries => None,
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
}

/// The start page of `customer`, each area asked whether something waits.
pub async fn start_view(customer: &Customer, waiting: &Waiting) -> Result<StartView, StoreError> {
    let on_hold = customer.status == ProjectStatus::Paused;
    let table = areas_for(customer.status);
    let mut areas = Vec::with_capacity(table.len());
    for area in table {
        areas.push(AreaView {
            area: *area,
            path: area.path(),
            waiting: waiting.check(*area, customer).await?,
        });
    }
    Ok(StartView {
        status: customer.status,
        on_hold,
        first: (!on_hold).then(|| table[0]),
        areas,
    })
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
                    Wishes => Some(true),
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
        };
        let view = start_view(&customer(ProjectStatus::Preparation), &done)
            .await
            .unwrap();
        assert_eq!(view.areas[0].waiting, Some(false));
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
