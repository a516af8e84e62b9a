//! Reads one stored customer record with three phone numbers, as a cold `GET /customers`
//! does, and prints it back. Run it in a fresh process to see what a cold start pays for
//! reading phone numbers:
//!
//! ```sh
//! cargo build -p portal-shared --example read_stored_customer
//! farm-bench -- target/debug/examples/read_stored_customer
//! ```

use portal::domain::Customer;

const STORED: &str = r#"{
  "id": "01JDQ7Z5W8Y3M4N5P6Q7R8S9T0",
  "tenantId": "01JDQ7Z5W8Y3M4N5P6Q7R8S9T1",
  "companyName": "Bäckerei Schmidt GmbH",
  "owner": "Anna Schmidt",
  "contactPerson": null,
  "address": {"street": "Hauptstraße 1", "postalCode": "10115", "city": "Berlin", "region": null, "country": "DE"},
  "language": "de",
  "mobile": "+4915123456789",
  "phone": "+4930901820",
  "fax": "+4930901821",
  "emails": ["buero@baeckerei.example"],
  "loginEmail": "anna@baeckerei.example",
  "status": "preparation",
  "notes": null,
  "createdAt": "2026-11-29T12:00:00Z",
  "updatedAt": "2026-11-29T12:00:00Z",
  "version": 1
}"#;

fn main() -> Result<(), serde_json::Error> {
    let customer: Customer = serde_json::from_str(STORED)?;
    println!("{}", serde_json::to_string(&customer)?);
    Ok(())
}
