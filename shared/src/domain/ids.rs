//! Time-ordered ids (ULIDs), one type per entity so they can't be mixed up.

macro_rules! ulid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(ulid::Ulid);

        impl $name {
            pub fn new() -> Self {
                Self(ulid::Ulid::new())
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
    /// A staff API key (the public id, not the secret).
    ApiKeyId
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
        assert_eq!(a.to_string().parse::<CustomerId>().unwrap(), a);
        assert!("not-an-id".parse::<CustomerId>().is_err());
    }
}
