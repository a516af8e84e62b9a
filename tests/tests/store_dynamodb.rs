//! The store contract against the DynamoDB adapter on moto's server, with the real SDK.

portal_tests::store_contract!(portal_tests::moto::dynamodb_store());
