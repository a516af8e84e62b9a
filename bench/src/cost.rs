//! What a request costs on AWS, from what the run measured and the prices below (us-east-1,
//! on-demand, list prices; written into the report so a reader can redo the sums).

use serde::Serialize;

use crate::run::RouteResult;

#[derive(Debug, Clone, Serialize)]
pub struct Prices {
    pub lambda_arm64_gb_second: f64,
    pub lambda_per_million_requests: f64,
    pub http_api_per_million_requests: f64,
    pub dynamodb_per_million_read_units: f64,
    pub dynamodb_per_million_write_units: f64,
    pub ses_per_thousand_emails: f64,
    pub sns_sms_per_message: f64,
    pub s3_per_thousand_writes: f64,
    pub s3_per_thousand_reads: f64,
    /// What one sequential round trip to DynamoDB, S3, SES or SNS takes inside a region;
    /// moto's own time is taken out and this put in its place.
    pub aws_round_trip_ms: f64,
}

pub const PRICES: Prices = Prices {
    lambda_arm64_gb_second: 0.000_013_333_4,
    lambda_per_million_requests: 0.20,
    http_api_per_million_requests: 1.00,
    dynamodb_per_million_read_units: 0.125,
    dynamodb_per_million_write_units: 0.625,
    ses_per_thousand_emails: 0.10,
    sns_sms_per_message: 0.08,
    s3_per_thousand_writes: 0.005,
    s3_per_thousand_reads: 0.0004,
    aws_round_trip_ms: 6.0,
};

#[derive(Debug, Clone, Serialize)]
pub struct RouteCost {
    pub step: String,
    pub route: String,
    pub billed_ms: f64,
    pub lambda: f64,
    pub requests: f64,
    pub dynamodb: f64,
    pub messages: f64,
    pub s3: f64,
    pub total: f64,
    pub per_customer_month: Option<f64>,
}

/// Dollars per million requests of `route` on a warm function, and what its share of it is.
pub fn per_million(route: &RouteResult, prices: &Prices) -> RouteCost {
    let mut warm = route.warm_ms.clone();
    warm.sort_by(f64::total_cmp);
    let median = warm.get(warm.len() / 2).copied().unwrap_or(0.0);
    let compute_ms = (median - route.aws_wait_ms).max(0.1);
    let billed_ms = (compute_ms + route.round_trips as f64 * prices.aws_round_trip_ms).ceil();
    let gb = f64::from(route.memory_mb) / 1024.0;
    let million = 1_000_000.0;
    let lambda = billed_ms / 1000.0 * gb * prices.lambda_arm64_gb_second * million;
    let is_http = !route.route.ends_with(" event");
    let requests = prices.lambda_per_million_requests
        + if is_http {
            prices.http_api_per_million_requests
        } else {
            0.0
        };
    let dynamodb = route.read_units * prices.dynamodb_per_million_read_units
        + route.write_units * prices.dynamodb_per_million_write_units;
    let all = || route.operations.iter().chain(&route.after_answer);
    let count = |op: &str| all().filter(|o| o.as_str() == op).count() as f64;
    let messages = count("ses:SendEmail") * prices.ses_per_thousand_emails * 1000.0
        + count("sns:Publish") * prices.sns_sms_per_message * million;
    let s3_writes = route
        .operations
        .iter()
        .filter(|o| {
            o.starts_with("s3:Put") || o.starts_with("s3:Delete") || o.starts_with("s3:Copy")
        })
        .count() as f64;
    let s3_reads = route
        .operations
        .iter()
        .filter(|o| o.starts_with("s3:Get") || o.starts_with("s3:Head") || o.starts_with("s3:List"))
        .count() as f64;
    let s3 = s3_writes * prices.s3_per_thousand_writes * 1000.0
        + s3_reads * prices.s3_per_thousand_reads * 1000.0;
    RouteCost {
        step: route.step.clone(),
        route: route.route.clone(),
        billed_ms,
        lambda,
        requests,
        dynamodb,
        messages,
        s3,
        total: lambda + requests + dynamodb + messages + s3,
        per_customer_month: route.per_customer_month,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(ops: &[&str]) -> RouteResult {
        RouteResult {
            step: "s".into(),
            function: "f".into(),
            route: "GET /x".into(),
            status: Some(200),
            expected: Some(200),
            warm_ms: vec![12.0],
            operations: ops.iter().map(|s| s.to_string()).collect(),
            after_answer: Vec::new(),
            round_trips: 2,
            minimum_round_trips: None,
            minimum_why: None,
            aws_wait_ms: 10.0,
            read_units: 2.0,
            write_units: 0.0,
            memory_mb: 1024,
            setup: false,
            per_customer_month: None,
            error: None,
        }
    }

    #[test]
    fn a_million_reads_cost_their_gb_seconds_requests_and_read_units() {
        let cost = per_million(&route(&["dynamodb:GetItem", "dynamodb:Query"]), &PRICES);
        // 2 ms of our own plus two 6 ms round trips, at 1 GB.
        assert_eq!(cost.billed_ms, 14.0);
        assert!((cost.lambda - 0.014 * PRICES.lambda_arm64_gb_second * 1e6).abs() < 1e-9);
        assert!((cost.dynamodb - 0.25).abs() < 1e-9);
        assert_eq!(cost.requests, 1.2);
        assert_eq!(cost.messages, 0.0);
    }

    #[test]
    fn an_email_costs_what_ses_charges() {
        let cost = per_million(&route(&["ses:SendEmail"]), &PRICES);
        assert!((cost.messages - 100.0).abs() < 1e-9);
    }
}
