use std::{fmt, str::FromStr};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use thiserror::Error;

use super::{
    CountryCode, CustomerId, Email, FieldError, FieldErrors, Language, PhoneNumber, TenantId, text,
    validation::{Common, FieldProblem},
};

pub const MAX_EMAILS: usize = 10;
const NAME_MAX: usize = 200;
const NOTES_MAX: usize = 10_000;

/// One customer (project) of an agency, as stored and as the staff API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    pub id: CustomerId,
    pub tenant_id: TenantId,
    pub company_name: String,
    /// Owner or manager of the customer's business.
    pub owner: Option<String>,
    /// Who the agency talks to about the website, when not the owner.
    pub contact_person: Option<String>,
    pub address: Option<Address>,
    pub language: Language,
    pub mobile: Option<PhoneNumber>,
    pub phone: Option<PhoneNumber>,
    pub fax: Option<PhoneNumber>,
    /// Further email addresses (billing, office, ...): not used to log in.
    pub emails: Vec<Email>,
    /// The portal username; unique across the whole system, case-insensitively.
    pub login_email: Option<Email>,
    pub status: ProjectStatus,
    pub notes: Option<String>,
    /// When the customer first set a password; `None`: never logged in.
    #[serde(default)]
    pub activated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Incremented by every change; the ETag, and the condition of every write.
    pub version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub country: CountryCode,
}

/// Where the website project stands; the customer's start page follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProjectStatus {
    /// Collecting content, files and wishes from the customer.
    #[default]
    Preparation,
    /// The agency designs and builds the site.
    Design,
    /// A preview is waiting for the customer's feedback.
    Feedback,
    /// Final corrections and go-live preparations.
    Launch,
    /// The website is live; form entries arrive.
    Online,
    /// On hold.
    Paused,
}

#[derive(Debug, Error, PartialEq, Eq)]
#[error("must be one of preparation, design, feedback, launch, online, paused")]
pub struct UnknownStatus;

/// A status sent in a change of the record that differs from the stored one.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("is changed through the status route, which keeps its history")]
pub struct StatusHasItsOwnRoute;

impl FieldProblem for StatusHasItsOwnRoute {
    fn code(&self) -> &'static str {
        "status-own-route"
    }
}

impl Customer {
    /// Whether `address` is on the record: the login email or one of the further emails
    /// (compared as logins are, see [`Email::normalized`]).
    pub fn has_address(&self, address: &Email) -> bool {
        let wanted = address.normalized();
        self.login_email
            .iter()
            .chain(&self.emails)
            .any(|e| e.normalized() == wanted)
    }
}

impl FieldProblem for UnknownStatus {
    fn code(&self) -> &'static str {
        "status-unknown"
    }
}

impl ProjectStatus {
    pub const ALL: [ProjectStatus; 6] = [
        ProjectStatus::Preparation,
        ProjectStatus::Design,
        ProjectStatus::Feedback,
        ProjectStatus::Launch,
        ProjectStatus::Online,
        ProjectStatus::Paused,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ProjectStatus::Preparation => "preparation",
            ProjectStatus::Design => "design",
            ProjectStatus::Feedback => "feedback",
            ProjectStatus::Launch => "launch",
            ProjectStatus::Online => "online",
            ProjectStatus::Paused => "paused",
        }
    }
}

impl FromStr for ProjectStatus {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        ProjectStatus::ALL
            .into_iter()
            .find(|v| v.code() == s)
            .ok_or(UnknownStatus)
    }
}

impl fmt::Display for ProjectStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A change to a customer as a client sends it (JSON merge patch, RFC 7396): a missing field
/// stays as it is, `null` (or an empty string) clears it. A create is the same change applied
/// to a blank record, with `companyName` required.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomerChanges {
    #[serde(default, deserialize_with = "present")]
    pub company_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub owner: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub contact_person: Option<Option<String>>,
    /// Replaced as a whole.
    #[serde(default, deserialize_with = "present")]
    pub address: Option<Option<AddressInput>>,
    #[serde(default, deserialize_with = "present")]
    pub language: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub mobile: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub fax: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub emails: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "present")]
    pub login_email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub status: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub notes: Option<Option<String>>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddressInput {
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
}

/// Tells a field that was sent as `null` (`Some(None)`) from one left out (`None`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A checked [`CustomerChanges`]: `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ValidCustomerChanges {
    pub company_name: Option<String>,
    pub owner: Option<Option<String>>,
    pub contact_person: Option<Option<String>>,
    pub address: Option<Option<Address>>,
    pub language: Option<Language>,
    pub mobile: Option<Option<PhoneNumber>>,
    pub phone: Option<Option<PhoneNumber>>,
    pub fax: Option<Option<PhoneNumber>>,
    pub emails: Option<Vec<Email>>,
    pub login_email: Option<Option<Email>>,
    pub status: Option<ProjectStatus>,
    pub notes: Option<Option<String>>,
}

/// Empty and blank strings count as "clear the field", as an HTML form would send them.
fn blank_is_none(value: Option<Option<String>>) -> Option<Option<String>> {
    value.map(|v| v.filter(|s| !s.trim().is_empty()))
}

impl CustomerChanges {
    /// Checks a change to `current`, or a new record when `current` is `None`.
    /// Phone numbers without a country prefix are read in the address's country.
    pub fn validate(
        self,
        current: Option<&Customer>,
    ) -> Result<ValidCustomerChanges, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let mut valid = ValidCustomerChanges::default();

        match blank_is_none(self.company_name) {
            Some(Some(name)) => {
                valid.company_name =
                    errors.check("companyName", text::clean(&name, NAME_MAX, false))
            }
            Some(None) => errors.report("companyName", Common::Empty),
            None if current.is_none() => errors.report("companyName", Common::Required),
            None => {}
        }
        valid.owner = optional_text(&mut errors, "owner", self.owner, NAME_MAX, false);
        valid.contact_person = optional_text(
            &mut errors,
            "contactPerson",
            self.contact_person,
            NAME_MAX,
            false,
        );
        valid.notes = optional_text(&mut errors, "notes", self.notes, NOTES_MAX, true);

        // National numbers are read in the country of the address as it will be after this
        // change. That country counts even when another part of the address is wrong, so the
        // numbers are checked in the same answer rather than after the address is fixed.
        let region = match &self.address {
            Some(Some(input)) => input
                .country
                .as_deref()
                .and_then(|raw| raw.parse::<CountryCode>().ok()),
            Some(None) => None,
            None => current.and_then(|c| c.address.as_ref()).map(|a| a.country),
        };
        valid.address = match self.address {
            None => None,
            Some(None) => Some(None),
            Some(Some(input)) => input.validate(&mut errors).map(Some),
        };

        valid.language = language(&mut errors, self.language);
        match blank_is_none(self.status) {
            Some(Some(raw)) => match (errors.check("status", raw.parse()), current) {
                // A move has a history and may email the customer: it has a route of its own.
                (Some(to), Some(c)) if to != c.status => {
                    errors.report("status", StatusHasItsOwnRoute)
                }
                (to, _) => valid.status = to,
            },
            Some(None) => errors.report("status", Common::Empty),
            None => {}
        }

        let phones = [
            ("mobile", blank_is_none(self.mobile), &mut valid.mobile),
            ("phone", blank_is_none(self.phone), &mut valid.phone),
            ("fax", blank_is_none(self.fax), &mut valid.fax),
        ];
        for (field, raw, slot) in phones {
            *slot = match raw {
                None => None,
                Some(None) => Some(None),
                Some(Some(raw)) => {
                    let parsed = if field == "mobile" {
                        PhoneNumber::parse_mobile(&raw, region)
                    } else {
                        PhoneNumber::parse(&raw, region)
                    };
                    errors.check(field, parsed).map(Some)
                }
            };
        }

        valid.emails = match self.emails {
            None => None,
            Some(None) => Some(Vec::new()),
            Some(Some(list)) => {
                if list.len() > MAX_EMAILS {
                    errors.report("emails", Common::TooManyEmails(MAX_EMAILS));
                }
                let mut parsed: Vec<Email> = Vec::new();
                for (i, raw) in list.iter().enumerate().take(MAX_EMAILS) {
                    if let Some(email) = errors.check(&format!("emails[{i}]"), Email::parse(raw)) {
                        if parsed.iter().any(|e| e.normalized() == email.normalized()) {
                            errors.report(format!("emails[{i}]"), Common::ListedTwice);
                        } else {
                            parsed.push(email);
                        }
                    }
                }
                Some(parsed)
            }
        };

        valid.login_email = match blank_is_none(self.login_email) {
            None => None,
            Some(None) => Some(None),
            Some(Some(raw)) => errors.check("loginEmail", Email::parse(&raw)).map(Some),
        };

        errors.finish(|| valid)
    }
}

/// A `language` as sent: left out is no change, blank is an error.
fn language(errors: &mut FieldErrors, value: Option<Option<String>>) -> Option<Language> {
    match blank_is_none(value)? {
        Some(raw) => errors.check("language", raw.parse::<Language>()),
        None => {
            errors.report("language", Common::Empty);
            None
        }
    }
}

fn optional_text(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<Option<String>>,
    max: usize,
    multiline: bool,
) -> Option<Option<String>> {
    match blank_is_none(value)? {
        None => Some(None),
        Some(raw) => errors
            .check(field, text::clean(&raw, max, multiline))
            .map(Some),
    }
}

impl AddressInput {
    fn validate(self, errors: &mut FieldErrors) -> Option<Address> {
        let before = errors.clone();
        let mut part = |field: &str, value: Option<String>, max: usize| {
            optional_text(errors, &format!("address.{field}"), Some(value), max, false).flatten()
        };
        let street = part("street", self.street, NAME_MAX);
        let postal_code = part("postalCode", self.postal_code, 20);
        let city = part("city", self.city, 100);
        let region = part("region", self.region, 100);
        let country = match self.country.filter(|c| !c.trim().is_empty()) {
            None => {
                errors.report("address.country", Common::CountryRequired);
                None
            }
            Some(raw) => errors.check("address.country", raw.parse::<CountryCode>()),
        };
        if *errors != before {
            return None;
        }
        Some(Address {
            street,
            postal_code,
            city,
            region,
            country: country?,
        })
    }
}

impl ValidCustomerChanges {
    /// A change of the language alone, as the pages' language switch sends it, checked as
    /// [`CustomerChanges::validate`] checks that field. Its own way in, so that a function
    /// which changes nothing else does not link the phone number parser that `validate`
    /// needs for the other fields (about 2 MB of binary; issue 14).
    pub fn language_only(raw: Option<String>) -> Result<Self, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let language = language(&mut errors, Some(raw));
        errors.finish(|| Self {
            language,
            ..Self::default()
        })
    }

    /// A new record from a validated create request.
    pub fn into_new_customer(
        self,
        id: CustomerId,
        tenant_id: TenantId,
        default_language: Language,
        now: DateTime<Utc>,
    ) -> Customer {
        let mut customer = Customer {
            id,
            tenant_id,
            company_name: String::new(),
            owner: None,
            contact_person: None,
            address: None,
            language: default_language,
            mobile: None,
            phone: None,
            fax: None,
            emails: Vec::new(),
            login_email: None,
            status: ProjectStatus::default(),
            notes: None,
            activated_at: None,
            last_login_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        self.apply_to(&mut customer);
        customer
    }

    /// The record after this change, one version on.
    pub fn applied(self, current: &Customer, now: DateTime<Utc>) -> Customer {
        let mut next = current.clone();
        self.apply_to(&mut next);
        next.updated_at = now;
        next.version = current.version + 1;
        next
    }

    fn apply_to(self, c: &mut Customer) {
        fn set<T>(slot: &mut T, value: Option<T>) {
            if let Some(v) = value {
                *slot = v;
            }
        }
        set(&mut c.company_name, self.company_name);
        set(&mut c.owner, self.owner);
        set(&mut c.contact_person, self.contact_person);
        set(&mut c.address, self.address);
        set(&mut c.language, self.language);
        set(&mut c.mobile, self.mobile);
        set(&mut c.phone, self.phone);
        set(&mut c.fax, self.fax);
        set(&mut c.emails, self.emails);
        set(&mut c.login_email, self.login_email);
        set(&mut c.status, self.status);
        set(&mut c.notes, self.notes);
    }
}

#[cfg(test)]
mod tests;
