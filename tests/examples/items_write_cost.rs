//! What a write costs in the embedded SQLite engine with 500 and with 50,000 customers stored
//! (each about 2 KB, with its login-email claim), on disk as the local runner keeps them.
//!
//! `cargo run -p portal-tests --example items_write_cost` (the dev profile, as `portal-local`
//! runs). Prints the median and 90th percentile of each operation; asserts nothing.

use std::time::{Duration, Instant};

use portal::{
    embedded::sqlite_items::SqliteItems,
    items::{Condition, Cursor, Item, ItemTable, Key, Query, Update, Write},
};
use serde_json::json;

const TENANTS: usize = 10;
const SAMPLES: usize = 300;

fn customer(tenant: usize, id: &str) -> (Item, Item) {
    let email = format!("{id}@customer.example").to_lowercase();
    let serde_json::Value::Object(mut item) = json!({
        "id": id, "tenantId": format!("T{tenant}"), "companyName": "Bäckerei Schmidt GmbH",
        "owner": "Anna Schmidt", "contactPerson": "Jonas Weber",
        "address": {"street": "Hauptstraße 1", "postalCode": "10115", "city": "Berlin",
                    "country": "DE"},
        "language": "de", "mobile": "+4915123456789", "phone": "+4930901820",
        "emails": ["buero@baeckerei.example"], "loginEmail": email, "status": "preparation",
        "notes": "Notizen zum Projekt. ".repeat(80), "createdAt": "2026-11-29T12:00:00Z",
        "updatedAt": "2026-11-29T12:00:00Z", "version": 1,
    }) else {
        unreachable!()
    };
    item.insert("pk".into(), format!("TENANT#{tenant}").into());
    item.insert("sk".into(), format!("CUSTOMER#{id}").into());
    let serde_json::Value::Object(claim) = json!({
        "pk": format!("LOGIN#{email}"), "sk": "LOGIN", "tenantId": format!("T{tenant}"),
        "customerId": id,
    }) else {
        unreachable!()
    };
    (item, claim)
}

/// Creating a customer as the store does: the record and its login claim, both new.
fn create(tenant: usize) -> Vec<Write> {
    let (item, claim) = customer(tenant, &ulid::Ulid::new().to_string());
    vec![
        Write::put(item).when(Condition::NotExists),
        Write::put(claim).when(Condition::NotExists),
    ]
}

fn summary(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "  {name:<34} median {:>8.2} ms   p90 {:>8.2} ms",
        at(0.5).as_secs_f64() * 1e3,
        at(0.9).as_secs_f64() * 1e3
    );
}

async fn measure(stored: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("items.sqlite");
    let table = SqliteItems::open(&path)?;
    let started = Instant::now();
    for batch in 0..stored.div_ceil(50) {
        let writes = (0..50.min(stored - batch * 50))
            .flat_map(|i| create((batch * 50 + i) % TENANTS))
            .collect();
        table.transact(writes).await?;
    }
    let size = std::fs::metadata(&path)?.len()
        + std::fs::metadata(dir.path().join("items.sqlite-wal")).map_or(0, |m| m.len());
    println!(
        "{stored} customers stored ({} items, {:.1} MB with the WAL, filled in {:.1} s):",
        stored * 2,
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let mut creates = Vec::new();
    for i in 0..SAMPLES {
        let writes = create(i % TENANTS);
        let t = Instant::now();
        table.transact(writes).await?;
        creates.push(t.elapsed());
    }
    summary("create (2 conditional puts, 1 tx)", creates);

    let listed = table
        .query(
            &Query::primary("TENANT#0")
                .begins_with("CUSTOMER#")
                .limit(SAMPLES),
        )
        .await?;
    let mut updates = Vec::new();
    for item in &listed.items {
        let key = Key::of(item)?;
        let update = Update::new(key)
            .set("status", "design")
            .add("version", 1)
            .when(Condition::equals("version", 1));
        let t = Instant::now();
        table.write(update.into()).await?;
        updates.push(t.elapsed());
    }
    summary("version-conditioned update", updates);

    let mut gets = Vec::new();
    let mut pages = Vec::new();
    for item in listed.items.iter().take(100) {
        let key = Key::of(item)?;
        let t = Instant::now();
        table.get(&key, true).await?;
        gets.push(t.elapsed());
        let page = Query::primary("TENANT#0")
            .begins_with("CUSTOMER#")
            .after(Cursor::from(key))
            .limit(25);
        let t = Instant::now();
        table.query(&page).await?;
        pages.push(t.elapsed());
    }
    summary("get", gets);
    summary("a page of 25 after a cursor", pages);
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    for stored in [500, 50_000] {
        measure(stored).await?;
    }
    Ok(())
}
