//! The store contract against the item store on DynamoDB on moto's server, with the real SDK.

portal_tests::store_contract!(portal_tests::moto::dynamodb_store());
