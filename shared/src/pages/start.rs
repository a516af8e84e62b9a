//! The customer's start page, and the navigation every logged-in customer page shares.

use minijinja::{context, value::Serde};
use serde::Serialize;

use super::{LANGUAGE_NAMES, Page, render};
use crate::domain::{Customer, Tenant};
use crate::start::{Area, StartView, areas_for};

/// What the layout's navigation shows: the areas of the customer's status, which one is
/// open, whose session it is and the log-out form's CSRF token. A page passes it as `nav`.
#[derive(Debug, Clone, Serialize)]
pub struct Nav {
    pub areas: Vec<NavItem>,
    /// The open area's code, or `start`.
    pub current: &'static str,
    pub company: String,
    pub csrf: String,
    /// The language switch: the customer's language now, and where to come back to.
    pub language: &'static str,
    pub languages: Vec<NavLanguage>,
    pub back: &'static str,
    /// The agency's logo and colour, when it set them.
    pub logo: Option<String>,
    pub colour: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NavLanguage {
    pub code: &'static str,
    pub name: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub area: &'static str,
    pub path: &'static str,
}

impl Nav {
    /// The navigation for `customer` of `agency`, with `current` (an [`Area`] code or
    /// `start`) open.
    pub fn for_customer(
        customer: &Customer,
        agency: &Tenant,
        current: &'static str,
        csrf: &str,
    ) -> Self {
        Nav {
            areas: areas_for(customer.status)
                .iter()
                .map(|a: &Area| NavItem {
                    area: a.code(),
                    path: a.path(),
                })
                .collect(),
            current,
            company: customer.company_name.clone(),
            csrf: csrf.to_owned(),
            language: customer.language.code(),
            languages: LANGUAGE_NAMES
                .iter()
                .map(|(language, name)| NavLanguage {
                    code: language.code(),
                    name,
                })
                .collect(),
            back: Area::ALL
                .into_iter()
                .find(|a| a.code() == current)
                .map_or("/start", Area::path),
            logo: agency
                .branding
                .logo_url
                .as_ref()
                .map(|u| u.as_str().to_owned()),
            colour: agency
                .branding
                .colour
                .as_ref()
                .map(|c| c.as_str().to_owned()),
        }
    }
}

pub struct StartPage<'a> {
    pub page: Page,
    pub nav: Nav,
    pub start: &'a StartView,
}

pub fn start(p: &StartPage) -> String {
    render(
        "start.html",
        p.page.language,
        context! {
            lang => p.page.language.code(),
            agency => &p.page.agency,
            nav => Serde(&p.nav),
            start => Serde(p.start),
        },
    )
}
