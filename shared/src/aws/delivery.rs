//! What a failed SES or SNS call means for the sender: refused, try later, or a fault.

use anyhow::anyhow;
#[cfg(feature = "ses")]
use aws_sdk_sesv2::error::{ProvideErrorMetadata, SdkError};
#[cfg(all(feature = "sns", not(feature = "ses")))]
use aws_sdk_sns::error::{ProvideErrorMetadata, SdkError};

use crate::ports::DeliveryError;

/// Maps an SDK error: service answers through the service's own `classify` (status, code,
/// message), time-outs, unreachable endpoints and 5xx to `Unavailable`, the rest to
/// `Unexpected` with `context`. Not logged here: the provider's message may name the
/// recipient; the caller decides.
pub(crate) fn delivery_error<E>(
    err: SdkError<E>,
    service: &str,
    context: &'static str,
    classify: fn(u16, Option<&str>, Option<&str>) -> DeliveryError,
) -> DeliveryError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let verdict = match &err {
        SdkError::ServiceError(e) => {
            classify(e.raw().status().as_u16(), e.err().code(), e.err().message())
        }
        SdkError::TimeoutError(_) => {
            DeliveryError::Unavailable(format!("{service} did not answer in time."))
        }
        SdkError::DispatchFailure(f) if f.is_io() || f.is_timeout() => {
            DeliveryError::Unavailable(format!("{service} could not be reached."))
        }
        SdkError::ResponseError(r) if r.raw().status().is_server_error() => {
            DeliveryError::Unavailable(format!(
                "{service} answered with HTTP {}.",
                r.raw().status().as_u16()
            ))
        }
        _ => DeliveryError::Unexpected(anyhow!("unclassified")),
    };
    match verdict {
        DeliveryError::Unexpected(_) => {
            DeliveryError::Unexpected(anyhow::Error::new(err).context(context))
        }
        known => known,
    }
}

/// A sentence for people: what happened, then the provider's own words.
pub(crate) fn reason(what: &str, message: Option<&str>) -> String {
    match message.map(str::trim).filter(|m| !m.is_empty()) {
        Some(message) => format!("{what}: {message}"),
        None => format!("{what}."),
    }
}

/// For the adapters' tests: which of the three a delivery error is.
#[cfg(test)]
pub(crate) mod testing {
    use crate::ports::DeliveryError;

    #[derive(Debug, PartialEq)]
    pub(crate) enum Kind {
        Rejected,
        Unavailable,
        Unexpected,
    }

    pub(crate) fn kind(e: &DeliveryError) -> Kind {
        match e {
            DeliveryError::Rejected(_) => Kind::Rejected,
            DeliveryError::Unavailable(_) => Kind::Unavailable,
            DeliveryError::Unexpected(_) => Kind::Unexpected,
        }
    }
}
