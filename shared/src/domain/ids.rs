//! Time-ordered ids (ULIDs), one type per entity so they can't be mixed up.

use std::sync::Mutex;

/// One generator per process, so ids made within the same millisecond still sort in the
/// order they were made (a plain `Ulid::new()` would order them at random).
static GENERATOR: Mutex<ulid::Generator> = Mutex::new(ulid::Generator::new());

pub(crate) fn next_ulid() -> ulid::Ulid {
    GENERATOR
        .lock()
        .ok()
        .and_then(|mut g| g.generate().ok())
        // Overflow of 2^80 ids in one millisecond, or a poisoned lock: fall back to random.
        .unwrap_or_else(|| ulid::Ulid::from_datetime(std::time::SystemTime::now()))
}

macro_rules! ulid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(ulid::Ulid);

        impl $name {
            pub fn new() -> Self {
                Self($crate::domain::ids::next_ulid())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::str::FromStr for $name {
            type Err = ulid::DecodeError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

ulid_id!(
    /// An agency.
    TenantId
);
ulid_id!(
    /// One customer (project) of an agency.
    CustomerId
);
ulid_id!(
    /// One invitation of a customer into the portal.
    InvitationId
);
ulid_id!(
    /// A staff API key (the public id, not the secret).
    ApiKeyId
);
ulid_id!(
    /// A staff user of an agency (a person who logs in, unlike an API key).
    StaffId
);
ulid_id!(
    /// One file a customer or the agency uploaded.
    FileId
);
ulid_id!(
    /// A direct download link to a file (the public id, not the token).
    DirectLinkId
);
ulid_id!(
    /// One feedback item (a point on a page of the draft website).
    FeedbackItemId
);
ulid_id!(
    /// A feedback token (the public id, not the secret).
    FeedbackTokenId
);
ulid_id!(
    /// One feedback notice waiting to be emailed.
    FeedbackNoticeId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text_and_sort_by_creation() {
        let a = CustomerId::new();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = CustomerId::new();
        assert!(a < b);
        let burst: Vec<_> = (0..1000).map(|_| InvitationId::new()).collect();
        assert!(
            burst.windows(2).all(|w| w[0] < w[1]),
            "ids made in one millisecond keep their order"
        );
        assert_eq!(a.to_string().parse::<CustomerId>().unwrap(), a);
        assert!("not-an-id".parse::<CustomerId>().is_err());
    }
}
ulid_id!(
    /// A staff comment on a part of a customer's submitted brief.
    CommentId
);
