//! My details: the customer's own data, the password change and logout.

use std::collections::BTreeMap;

use minijinja::{context, value::Serde};
use serde::Serialize;

use super::{Nav, Page, errors_by_field, language_options, render};
use crate::domain::{
    Customer, FieldError,
    country_names::country_names,
    password::{MAX_CHARS, MIN_CHARS},
};

/// The customer's own data, the password change and logout.
#[derive(Debug, Clone, Serialize)]
pub struct MyDataPage<'a> {
    pub page: Page,
    pub customer: &'a Customer,
    pub csrf: &'a str,
    pub saved: bool,
    /// Shown next to the field they name ([`MY_DATA_FIELDS`]; `emails[2]` counts as
    /// `emails`); any other field's message is shown above the form. Each shows as the
    /// catalogue's message for its `code`, in the page's language.
    pub errors: &'a [FieldError],
    pub password_changed: bool,
    pub password_error: Option<String>,
    /// The navigation every logged-in customer page shares.
    pub nav: Option<Nav>,
}

/// The fields of the My details form, named as in the customer JSON (`address.*` flattened).
pub const MY_DATA_FIELDS: [&str; 13] = [
    "companyName",
    "owner",
    "contactPerson",
    "address.street",
    "address.postalCode",
    "address.city",
    "address.region",
    "address.country",
    "language",
    "mobile",
    "phone",
    "fax",
    "emails",
];

pub fn my_data(p: &MyDataPage) -> String {
    let c = p.customer;
    let address = c.address.as_ref();
    let text = |v: Option<&String>| v.cloned().unwrap_or_default();
    let values: BTreeMap<&str, String> = BTreeMap::from([
        ("companyName", c.company_name.clone()),
        ("owner", text(c.owner.as_ref())),
        ("contactPerson", text(c.contact_person.as_ref())),
        (
            "address.street",
            text(address.and_then(|a| a.street.as_ref())),
        ),
        (
            "address.postalCode",
            text(address.and_then(|a| a.postal_code.as_ref())),
        ),
        ("address.city", text(address.and_then(|a| a.city.as_ref()))),
        (
            "address.region",
            text(address.and_then(|a| a.region.as_ref())),
        ),
        (
            "address.country",
            address
                .map(|a| a.country.alpha2().to_owned())
                .unwrap_or_default(),
        ),
        ("language", c.language.code().to_owned()),
        (
            "mobile",
            c.mobile
                .as_ref()
                .map(|n| n.as_str().to_owned())
                .unwrap_or_default(),
        ),
        (
            "phone",
            c.phone
                .as_ref()
                .map(|n| n.as_str().to_owned())
                .unwrap_or_default(),
        ),
        (
            "fax",
            c.fax
                .as_ref()
                .map(|n| n.as_str().to_owned())
                .unwrap_or_default(),
        ),
        (
            "emails",
            c.emails
                .iter()
                .map(|e| e.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ]);
    let (field_errors, other_errors) = errors_by_field(p.errors, &MY_DATA_FIELDS, p.page.language);
    let languages = language_options();
    let countries: Vec<_> = country_names(p.page.language)
        .into_iter()
        .map(|(code, name)| context! { code => code.alpha2(), name })
        .collect();
    let ctx = context! {
        lang => p.page.language.code(),
        agency => &p.page.agency,
        csrf => p.csrf,
        saved => p.saved,
        has_errors => !p.errors.is_empty(),
        field_errors => Serde(field_errors),
        other_errors => Serde(other_errors),
        values => Serde(values),
        language => c.language.code(),
        languages,
        countries,
        nav => Serde(&p.nav),
        login_email => c.login_email.as_ref().map(|e| e.as_str()).unwrap_or_default(),
        status => c.status.code(),
        password_changed => p.password_changed,
        password_error => &p.password_error,
        min_chars => MIN_CHARS,
        max_chars => MAX_CHARS,
    };
    render("my_data.html", p.page.language, ctx)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::{
        domain::{CustomerChanges, CustomerId, Language, TenantId, country_names::country_name},
        i18n::{field_message, t},
        pages::test_support::*,
    };

    fn branded() -> crate::domain::Tenant {
        let mut agency = crate::domain::NewTenant {
            name: "Berg".into(),
            portal_base_url: "https://kunden.berg.example".into(),
            sender_email: "portal@berg.example".into(),
            default_language: "de".into(),
            tier: "starter".into(),
        }
        .validate(Utc::now())
        .unwrap();
        agency.branding = crate::domain::BrandingInput {
            logo_url: Some("https://cdn.berg.example/logo.svg?v=\"2\"".into()),
            colour: Some("#C81E1E".into()),
        }
        .validate()
        .unwrap();
        agency
    }

    /// The country list of the page, from its `<select>` to its end.
    fn country_select(html: &str) -> &str {
        let start = html
            .find("<select id=\"f-address.country\"")
            .expect("a country list");
        let end = start + html[start..].find("</select>").unwrap();
        &html[start..end]
    }

    fn customer() -> Customer {
        let changes: CustomerChanges = serde_json::from_value(serde_json::json!({
            "companyName": HOSTILE,
            "owner": "Anna Schmidt",
            "contactPerson": "Jonas Weber",
            "address": {"street": "Hauptstraße 1", "postalCode": "10115", "city": "Berlin", "region": "Berlin", "country": "DE"},
            "language": "fr",
            "mobile": "0151 23456789",
            "phone": "030 901820",
            "emails": ["buero@baeckerei.example", "rechnung@baeckerei.example"],
            "loginEmail": "anna@baeckerei.example",
            "status": "feedback"
        }))
        .unwrap();
        changes.validate(None).unwrap().into_new_customer(
            CustomerId::new(),
            TenantId::new(),
            Language::De,
            Utc::now(),
        )
    }

    #[test]
    fn the_my_data_page_in_every_language() {
        let customer = customer();
        let errors = [
            FieldError::of("mobile", &crate::domain::phone::PhoneError::NotMobile),
            FieldError::of("emails[1]", &crate::domain::email::EmailError::Invalid),
            FieldError::new("notes", "<i>too long</i>"),
        ];
        let mut titles = Vec::new();
        for language in Language::ALL {
            let html = my_data(&MyDataPage {
                page: page(language),
                customer: &customer,
                csrf: "csrf-token-123",
                saved: false,
                errors: &errors,
                password_changed: false,
                password_error: Some(t(language, "password-common")),
                nav: Some(Nav::for_customer(
                    &customer,
                    &branded(),
                    "my-data",
                    "csrf-token-123",
                )),
            });
            assert_page(&html, language);
            // The shared navigation: the status's areas in the reader's language, this one
            // open, and the language switch with the customer's language chosen.
            let nav = &html[html.find("<nav").unwrap()..html.find("</header>").unwrap()];
            // In feedback: feedback, files, wishes and My data; form entries come online.
            for area in ["feedback", "files", "wishes", "my-data"] {
                assert!(
                    nav.contains(&t(language, &format!("page-area-{area}"))),
                    "{language}"
                );
            }
            assert!(
                !nav.contains(&t(language, "page-area-form-entries")),
                "not yet online"
            );
            assert!(nav.contains("aria-current=\"page\">"), "{language}");
            assert!(nav.contains("<select id=\"nav-language\" name=\"language\">"));
            assert!(nav.contains("<option value=\"fr\" lang=\"fr\" selected>Français</option>"));
            assert!(nav.contains(&t(language, "page-logout")));
            // The agency's logo and colour, the address escaped as it was encoded.
            assert!(
                html.contains("<img class=\"logo\" src=\"https:&#x2f;&#x2f;cdn.berg.example&#x2f;logo.svg?v=%222%22\" alt=\"\">"),
                "{html}"
            );
            assert!(html.contains("<style>header{border-top:6px solid #c81e1e}</style>"));
            let expected = t(language, "page-my-data-title");
            assert_eq!(title(&html), format!("{expected} – {AGENCY_HTML}"));
            titles.push(expected);
            // Two forms of the page (data, password) and two of the navigation (language,
            // log out, so the page has one log-out button), each with the csrf input.
            assert_eq!(
                html.matches("<input type=\"hidden\" name=\"csrf\" value=\"csrf-token-123\">")
                    .count(),
                4
            );
            assert_eq!(
                html.matches("action=\"&#x2f;logout\"").count()
                    + html.matches("action=\"/logout\"").count(),
                1
            );
            for action in ["/me\"", "/me/password\"", "/logout\""] {
                assert!(html.contains(&format!("<form method=\"post\" action=\"{action}")));
            }
            // Prefilled with the customer's values, escaped.
            assert!(input(&html, "companyName").contains(&format!("value=\"{HOSTILE_HTML}\"")));
            assert!(!html.contains(HOSTILE));
            assert!(input(&html, "owner").contains("value=\"Anna Schmidt\""));
            assert!(input(&html, "contactPerson").contains("value=\"Jonas Weber\""));
            assert!(input(&html, "address.street").contains("value=\"Hauptstraße 1\""));
            assert!(input(&html, "address.postalCode").contains("value=\"10115\""));
            assert!(input(&html, "address.city").contains("value=\"Berlin\""));
            assert!(input(&html, "address.region").contains("value=\"Berlin\""));
            let germany = country_name("DE".parse().unwrap(), language).unwrap();
            assert_eq!(
                country_select(&html).matches(" selected").count(),
                1,
                "{language}"
            );
            assert!(
                country_select(&html)
                    .contains(&format!("<option value=\"DE\" selected>{germany}</option>")),
                "{language}: the country is chosen by its name in the reader's language"
            );
            assert!(input(&html, "mobile").contains("value=\"+4915123456789\""));
            assert!(input(&html, "phone").contains("value=\"+4930901820\""));
            assert!(input(&html, "fax").contains("value=\"\""));
            assert!(
                input(&html, "emails")
                    .contains("value=\"buero@baeckerei.example, rechnung@baeckerei.example\"")
            );
            assert!(html.contains("<option value=\"fr\" lang=\"fr\" selected>Français</option>"));
            assert!(html.contains("<option value=\"de\" lang=\"de\">Deutsch</option>"));
            for name in ["English", "Español", "Nederlands", "Svenska"] {
                assert!(html.contains(&format!(">{name}</option>")));
            }
            // The errored fields are marked and carry their message; the others are not.
            assert!(input(&html, "mobile").contains("aria-invalid=\"true\""));
            assert!(input(&html, "mobile").contains("aria-describedby=\"e-mobile\""));
            assert!(html.contains(&format!(
                "<p class=\"error\" id=\"e-mobile\">{}</p>",
                escaped(&field_message(language, &errors[0]))
            )));
            assert!(input(&html, "emails").contains("aria-invalid=\"true\""));
            assert!(html.contains(&format!(
                "id=\"e-emails\">{}</p>",
                escaped(&field_message(language, &errors[1]))
            )));
            assert!(!input(&html, "phone").contains("aria-invalid"));
            assert!(!input(&html, "companyName").contains("aria-invalid"));
            // A problem without a code of its own shows the catalogue's generic message.
            assert!(html.contains(&format!(
                "<div class=\"alert\" role=\"alert\">{}<br>{}</div>",
                t(language, "page-my-data-errors"),
                escaped(&t(language, "field-invalid"))
            )));
            assert!(!html.contains("too long"));
            // Read-only: the login email and the localized status.
            assert!(html.contains("<dd>anna@baeckerei.example</dd>"));
            assert!(html.contains(&format!("<dd>{}</dd>", t(language, "page-status-feedback"))));
            // The password change.
            assert!(
                html.contains(
                    "name=\"current\" type=\"password\" autocomplete=\"current-password\""
                )
            );
            assert!(html.contains("name=\"new\" type=\"password\" autocomplete=\"new-password\" minlength=\"15\" maxlength=\"128\""));
            assert!(html.contains(&format!(
                "<p class=\"alert\" role=\"alert\" id=\"password-error\">{}</p>",
                t(language, "password-common")
            )));
            assert!(html.contains(&t(language, "page-logout")));
            assert!(!html.contains(&t(language, "page-my-data-saved")));
        }
        assert_titles_differ(titles);

        let saved = my_data(&MyDataPage {
            page: page(Language::En),
            customer: &customer,
            csrf: "c",
            saved: true,
            errors: &[],
            password_changed: true,
            password_error: None,
            nav: None,
        });
        assert!(saved.contains("Your changes have been saved."));
        assert!(saved.contains("Your password has been changed."));
        assert!(saved.contains("<dd>Waiting for your feedback</dd>"));
        assert!(!saved.contains("role=\"alert\""));
        assert!(!saved.contains("aria-invalid=\"true\""));
    }

    /// Every error the My data form can get, made by the validation the form goes through.
    fn my_data_errors(current: &Customer) -> Vec<FieldError> {
        let long = "x".repeat(201);
        let form = |value: serde_json::Value| -> Vec<FieldError> {
            serde_json::from_value::<CustomerChanges>(value)
                .unwrap()
                .validate(Some(current))
                .unwrap_err()
        };
        let emails: Vec<String> = (0..11).map(|i| format!("a{i}@example.com")).collect();
        let mut errors = Vec::new();
        for text_field in ["companyName", "owner", "contactPerson"] {
            errors.extend(form(serde_json::json!({ text_field: long })));
            errors.extend(form(serde_json::json!({ text_field: "a\u{1}b" })));
        }
        for part in ["street", "postalCode", "city", "region"] {
            errors.extend(form(
                serde_json::json!({"address": { part: long, "country": "DE" }}),
            ));
            errors.extend(form(
                serde_json::json!({"address": { part: "a\u{7}b", "country": "DE" }}),
            ));
        }
        errors.extend(form(serde_json::json!({
            "companyName": "", "language": "", "address": {"city": "Berlin"},
            "mobile": "0151 23456789", "phone": "+1 2", "fax": "030 1",
            "emails": ["ok@example.com", "broken", "name@localhost", format!("{long}@{long}.example"), "OK@example.com"],
        })));
        errors.extend(form(serde_json::json!({
            "language": "it", "address": {"country": "XX"}, "mobile": "+49 30 901820",
            "phone": "030 901820", "fax": "+49 12", "emails": emails,
        })));
        errors.extend(form(
            serde_json::json!({"mobile": "+49 12", "fax": "030 901820", "address": null}),
        ));
        // What PATCH /me refuses: the agency's fields.
        for field in ["loginEmail", "status", "notes"] {
            errors.push(FieldError::of(
                field,
                &crate::domain::validation::Common::AgencyOnly,
            ));
        }
        errors
    }

    #[test]
    fn every_field_error_on_my_data_is_in_the_readers_language() {
        let customer = customer();
        let errors = my_data_errors(&customer);
        let mut codes: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.split('[').next().unwrap(), e.code))
            .collect();
        codes.sort();
        codes.dedup();
        for expected in [
            ("companyName", "empty"),
            ("companyName", "too-long"),
            ("companyName", "control-character"),
            ("owner", "too-long"),
            ("contactPerson", "control-character"),
            ("address.street", "too-long"),
            ("address.postalCode", "too-long"),
            ("address.city", "control-character"),
            ("address.region", "too-long"),
            ("address.country", "country-required"),
            ("address.country", "country-unknown"),
            ("language", "empty"),
            ("language", "language-unknown"),
            ("mobile", "phone-needs-country"),
            ("mobile", "phone-not-mobile"),
            ("mobile", "phone-invalid"),
            ("phone", "phone-invalid"),
            ("phone", "phone-needs-country"),
            ("fax", "phone-invalid"),
            ("fax", "phone-needs-country"),
            ("emails", "too-many-emails"),
            ("emails", "email-invalid"),
            ("emails", "email-no-domain-dot"),
            ("emails", "email-too-long"),
            ("emails", "listed-twice"),
            ("loginEmail", "agency-only"),
        ] {
            assert!(
                codes.contains(&expected),
                "{expected:?} not made: {codes:?}"
            );
        }
        assert_every_error_in_the_readers_language(&errors, |language, error| {
            my_data(&MyDataPage {
                page: page(language),
                customer: &customer,
                csrf: "c",
                saved: false,
                errors: std::slice::from_ref(error),
                password_changed: false,
                password_error: None,
                nav: None,
            })
        });
    }

    #[test]
    fn a_customer_without_address_or_numbers_renders_empty_fields() {
        let mut customer = customer();
        customer.address = None;
        customer.mobile = None;
        customer.emails.clear();
        let html = my_data(&MyDataPage {
            page: page(Language::Sv),
            customer: &customer,
            csrf: "c",
            saved: false,
            errors: &[],
            password_changed: false,
            password_error: None,
            nav: None,
        });
        assert_page(&html, Language::Sv);
        assert!(
            !country_select(&html).contains("selected"),
            "no country yet"
        );
        assert!(country_select(&html).contains(&format!(
            "<option value=\"\">{}</option>",
            t(Language::Sv, "page-country-choose")
        )));
        assert!(input(&html, "emails").contains("value=\"\""));
    }
}
