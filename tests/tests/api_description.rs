//! openapi.json, template.yaml and the routers describe the same routes.

use std::collections::BTreeSet;

use axum::http::Method;

type Routes = BTreeSet<(String, String)>;

/// Every route of every function. A new function adds its `ROUTES` here.
fn served() -> Routes {
    customers::ROUTES
        .iter()
        .chain(invite::ROUTES)
        .chain(auth::ROUTES)
        .chain(forms::ROUTES)
        .chain(uploads::ROUTES)
        .chain(wishes::ROUTES)
        .chain(feedback::ROUTES)
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect()
}

fn root(file: &str) -> String {
    std::fs::read_to_string(format!("{}/../{file}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn openapi() -> Routes {
    let doc: serde_json::Value = serde_json::from_str(&root("openapi.json")).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut routes = Routes::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete", "options"].contains(&method.as_str()) {
                routes.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    routes
}

/// The `Path:`/`Method:` pairs of the HttpApi events in template.yaml.
fn template() -> Routes {
    let mut routes = Routes::new();
    let mut path = None;
    for line in root("template.yaml").lines().map(str::trim) {
        if let Some(p) = line.strip_prefix("Path: ") {
            path = Some(p.to_owned());
        } else if let Some(m) = line.strip_prefix("Method: ") {
            routes.insert((
                m.to_uppercase(),
                path.take().expect("Method: follows Path:"),
            ));
        }
    }
    routes
}

#[test]
fn openapi_describes_exactly_the_served_routes() {
    assert_eq!(openapi(), served());
}

#[test]
fn template_routes_exactly_the_served_routes_through_api_gateway() {
    assert_eq!(template(), served());
}

#[tokio::test]
async fn the_local_runner_serves_every_route_and_no_other_method_on_those_paths() {
    let app = portal_infra::app(&portal_infra::backend::Services::in_memory());
    let routes = served();
    let paths: BTreeSet<_> = routes.iter().map(|(_, p)| p.clone()).collect();
    for path in paths {
        let concrete = path
            .replace("{customerId}", "01ARZ3NDEKTSV4RRFFQ69G5FAV")
            .replace("{invitationId}", "01ARZ3NDEKTSV4RRFFQ69G5FAW")
            .replace("{language}", "de")
            .replace("{channel}", "email")
            .replace("{token}", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            .replace("{formId}", "01ARZ3NDEKTSV4RRFFQ69G5FAX")
            .replace("{entryId}", "01ARZ3NDEKTSV4RRFFQ69G5FAY")
            .replace("{fileId}", "01ARZ3NDEKTSV4RRFFQ69G5FAX")
            .replace("{linkId}", "01ARZ3NDEKTSV4RRFFQ69G5FAY");
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            let method_ = Method::from_bytes(method.as_bytes()).unwrap();
            let answer = testkit::oneshot(&app, method_, &concrete, None, &[]).await;
            let problem: serde_json::Value = serde_json::from_str(&answer.text).unwrap_or_default();
            let kind = problem["type"].as_str().unwrap_or_default();
            let routed =
                kind != "/problems/route-not-found" && kind != "/problems/method-not-allowed";
            let expected = routes.contains(&(method.to_owned(), path.clone()));
            assert_eq!(routed, expected, "{method} {path}: {problem}");
        }
    }
}

#[tokio::test]
async fn the_local_runner_serves_its_openapi_document() {
    let app = portal_infra::app(&portal_infra::backend::Services::in_memory());
    let answer = testkit::oneshot(&app, Method::GET, "/openapi.json", None, &[]).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.text.as_bytes(), root("openapi.json").as_bytes());
}

/// axum's own extractors reject in `text/plain`, outside openapi.json: handlers read
/// requests only through `portal::http`'s (`JsonBody`, `Submitted`, `FormBody`,
/// `PathParam`, `QueryParam`, `RawBody`), whose rejection is a problem.
#[test]
fn handlers_read_requests_only_through_extractors_that_answer_problem_json() {
    let functions = format!("{}/../functions", env!("CARGO_MANIFEST_DIR"));
    let axum_extractors = [
        "Path<",
        "Query<",
        "Form<",
        ": Json<",
        ": Bytes",
        ": RawQuery",
        ": axum::Form<",
        ": axum::Json<",
        ": axum::body::Bytes",
        ": axum::extract::",
    ];
    let mut found = Vec::new();
    for function in std::fs::read_dir(&functions).unwrap() {
        let src = function.unwrap().path().join("src");
        for file in std::fs::read_dir(&src).unwrap() {
            let path = file.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                for pattern in axum_extractors {
                    if line.contains(pattern) {
                        found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}
