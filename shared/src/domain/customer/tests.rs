use super::*;
use serde_json::json;

fn changes(value: serde_json::Value) -> CustomerChanges {
    serde_json::from_value(value).unwrap()
}

fn fields(errors: Vec<FieldError>) -> Vec<String> {
    errors.into_iter().map(|e| e.field).collect()
}

fn new_customer(value: serde_json::Value) -> Customer {
    changes(value).validate(None).unwrap().into_new_customer(
        CustomerId::new(),
        TenantId::new(),
        Language::De,
        Utc::now(),
    )
}

#[test]
fn a_full_record_is_parsed_into_typed_fields() {
    let c = new_customer(json!({
        "companyName": " Bäckerei Schmidt GmbH ",
        "owner": "Anna Schmidt",
        "contactPerson": "Jonas Weber",
        "address": {"street": "Hauptstraße 1", "postalCode": "10115", "city": "Berlin", "country": "de"},
        "language": "en",
        "mobile": "0151 23456789",
        "phone": "030 901820",
        "fax": "",
        "emails": ["office@baeckerei.example", "Billing@Baeckerei.example"],
        "loginEmail": "Anna@Baeckerei.example",
        "status": "design",
        "notes": "Wants a shop\nlater",
    }));
    assert_eq!(c.company_name, "Bäckerei Schmidt GmbH");
    assert_eq!(c.address.as_ref().unwrap().country.alpha2(), "DE");
    assert_eq!(c.language, Language::En);
    assert_eq!(c.mobile.unwrap().as_str(), "+4915123456789");
    assert_eq!(c.phone.unwrap().as_str(), "+4930901820");
    assert_eq!(c.fax, None);
    assert_eq!(c.emails.len(), 2);
    assert_eq!(
        c.login_email.unwrap().normalized(),
        "anna@baeckerei.example"
    );
    assert_eq!(c.status, ProjectStatus::Design);
    assert_eq!(c.version, 1);
}

#[test]
fn defaults_apply_to_a_minimal_record() {
    let c = new_customer(json!({"companyName": "Acme"}));
    assert_eq!(c.language, Language::De, "the tenant's default language");
    assert_eq!(c.status, ProjectStatus::Preparation);
    assert_eq!(c.login_email, None);
}

#[test]
fn every_bad_field_is_named() {
    let errors = changes(json!({
        "owner": "x".repeat(201),
        "address": {"country": "DE"},
        "language": "it",
        "phone": "+49 12",
        "emails": ["ok@example.com", "broken", "OK@example.com"],
        "loginEmail": "nope@",
        "status": "done",
    }))
    .validate(None)
    .unwrap_err();
    assert_eq!(
        fields(errors),
        [
            "companyName",
            "owner",
            "language",
            "status",
            "phone",
            "emails[1]",
            "emails[2]",
            "loginEmail"
        ]
    );
}

/// (field, message) of each error, in order.
fn named(errors: Vec<FieldError>) -> Vec<(String, String)> {
    errors.into_iter().map(|e| (e.field, e.message)).collect()
}

#[test]
fn phone_numbers_are_checked_even_when_the_address_is_wrong() {
    const REQUIRED: &str = "is required";
    const COUNTRY_REQUIRED: &str = "is required when an address is given";
    const COUNTRY_UNKNOWN: &str =
        "must be an ISO 3166-1 alpha-2 country code such as DE, AT, CH or SE";
    const LANGUAGE: &str = "must be one of de, en, fr, es, nl, sv";
    const INVALID: &str = "is not a valid phone number";
    const NEEDS_COUNTRY: &str =
        "needs the international prefix (for example +49 30 1234567), or a country in the address";
    const NOT_MOBILE: &str =
        "is a landline number; a mobile number is needed to receive text messages";
    let in_germany = new_customer(json!({"companyName": "Acme", "address": {"country": "DE"}}));
    type Case<'a> = (
        Option<&'a Customer>,
        serde_json::Value,
        Vec<(&'a str, &'a str)>,
    );
    let cases: Vec<Case> = vec![
        // International numbers need no address: they are checked whatever it says.
        (
            None,
            json!({"language": "it", "mobile": "+49 12", "phone": "+1 2", "address": {"city": "Paris"}}),
            vec![
                ("companyName", REQUIRED),
                ("address.country", COUNTRY_REQUIRED),
                ("language", LANGUAGE),
                ("mobile", INVALID),
                ("phone", INVALID),
            ],
        ),
        (
            None,
            json!({"companyName": "A", "address": {"country": "XX"}, "mobile": "+49 30 901820", "fax": "0049 30 1"}),
            vec![
                ("address.country", COUNTRY_UNKNOWN),
                ("mobile", NOT_MOBILE),
                ("fax", INVALID),
            ],
        ),
        // A national number with no valid country known needs one.
        (
            None,
            json!({"companyName": "A", "address": {"country": "XX"}, "mobile": "+49 151 23456789", "phone": "030 901820"}),
            vec![
                ("address.country", COUNTRY_UNKNOWN),
                ("phone", NEEDS_COUNTRY),
            ],
        ),
        (
            None,
            json!({"companyName": "A", "address": {"city": "Berlin"}, "phone": "030 901820"}),
            vec![
                ("address.country", COUNTRY_REQUIRED),
                ("phone", NEEDS_COUNTRY),
            ],
        ),
        (
            None,
            json!({"companyName": "A", "mobile": "0151 23456789"}),
            vec![("mobile", NEEDS_COUNTRY)],
        ),
        // A valid country in an address that is wrong elsewhere still reads national numbers.
        (
            None,
            json!({"companyName": "A", "address": {"city": "x".repeat(101), "country": "DE"}, "phone": "030 901820", "fax": "030 1"}),
            vec![
                ("address.city", "must be at most 100 characters long"),
                ("fax", INVALID),
            ],
        ),
        // A change: the new address's country counts, not the stored one.
        (
            Some(&in_germany),
            json!({"address": {"country": "XX"}, "phone": "030 901820", "mobile": "+49 12"}),
            vec![
                ("address.country", COUNTRY_UNKNOWN),
                ("mobile", INVALID),
                ("phone", NEEDS_COUNTRY),
            ],
        ),
        (
            Some(&in_germany),
            json!({"address": null, "fax": "030 901820"}),
            vec![("fax", NEEDS_COUNTRY)],
        ),
        (
            Some(&in_germany),
            json!({"language": "", "mobile": "030 901820", "phone": "030 1"}),
            vec![
                ("language", "must not be empty"),
                ("mobile", NOT_MOBILE),
                ("phone", INVALID),
            ],
        ),
    ];
    for (current, body, expected) in cases {
        let errors = changes(body.clone()).validate(current).unwrap_err();
        let expected: Vec<(String, String)> = expected
            .into_iter()
            .map(|(f, m)| (f.to_owned(), m.to_owned()))
            .collect();
        assert_eq!(named(errors), expected, "{body}");
    }
}

#[test]
fn required_fields_cannot_be_cleared() {
    let current = new_customer(json!({"companyName": "Acme"}));
    let errors = changes(json!({"companyName": null, "language": "", "status": null}))
        .validate(Some(&current))
        .unwrap_err();
    assert_eq!(fields(errors), ["companyName", "language", "status"]);
}

#[test]
fn a_patch_changes_only_what_it_names_and_null_clears() {
    let current = new_customer(json!({
        "companyName": "Acme", "owner": "Ann", "notes": "n",
        "address": {"country": "SE"}, "loginEmail": "ann@acme.example"
    }));
    let next = changes(json!({"owner": null, "phone": "08 123 456 78"}))
        .validate(Some(&current))
        .unwrap()
        .applied(&current, Utc::now());
    assert_eq!(next.owner, None);
    assert_eq!(next.notes.as_deref(), Some("n"));
    assert_eq!(
        next.phone.unwrap().as_str(),
        "+46812345678",
        "read in the stored country"
    );
    assert_eq!(next.login_email, current.login_email);
    assert_eq!(next.version, 2);
}

#[test]
fn too_many_emails_are_refused() {
    let list: Vec<String> = (0..11).map(|i| format!("a{i}@example.com")).collect();
    let errors = changes(json!({"companyName": "Acme", "emails": list}))
        .validate(None)
        .unwrap_err();
    assert_eq!(fields(errors), ["emails"]);
}

#[test]
fn unknown_fields_are_refused_by_the_parser() {
    let result: Result<CustomerChanges, _> =
        serde_json::from_value(json!({"companyName": "A", "colour": "red"}));
    assert!(
        result
            .unwrap_err()
            .to_string()
            .contains("unknown field `colour`")
    );
}

#[test]
fn a_language_alone_is_checked_as_in_a_full_change() {
    for raw in [
        None,
        Some(""),
        Some("  "),
        Some("xx"),
        Some("de"),
        Some("sv"),
    ] {
        let alone = ValidCustomerChanges::language_only(raw.map(str::to_owned));
        let full = changes(serde_json::json!({ "language": raw })).validate(None);
        match (alone, full) {
            (Ok(alone), Ok(full)) => assert_eq!(alone.language, full.language, "{raw:?}"),
            (Err(alone), Err(full)) => {
                let language = |e: Vec<FieldError>| {
                    named(e)
                        .into_iter()
                        .filter(|(f, _)| f == "language")
                        .collect::<Vec<_>>()
                };
                let alone = language(alone);
                assert!(!alone.is_empty(), "{raw:?}");
                assert_eq!(alone, language(full), "{raw:?}");
            }
            (Ok(_), Err(full)) => {
                // The full change also lacks its required company name.
                assert_eq!(fields(full), ["companyName"], "{raw:?}")
            }
            (Err(alone), Ok(_)) => panic!("{raw:?}: {alone:?}"),
        }
    }
    let changed = ValidCustomerChanges::language_only(Some("fr".into())).unwrap();
    assert_eq!(
        changed,
        ValidCustomerChanges {
            language: Some(Language::Fr),
            ..ValidCustomerChanges::default()
        },
        "nothing but the language changes"
    );
}
