//! The floor: a hello-world `lambda_http` function as aws-lambda-rust-runtime's examples
//! write it (the default tracing subscriber, then `run`). A function's cold start is reported
//! as a ratio to this one's, built with the same profile in the same run.

use lambda_http::{Body, Error, Request, Response, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    lambda_http::run(service_fn(|_: Request| async {
        Ok::<_, Error>(
            Response::builder()
                .status(200)
                .header("content-type", "text/plain")
                .body(Body::from("hello"))?,
        )
    }))
    .await
}
