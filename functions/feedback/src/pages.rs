pub fn routes() -> axum::Router<crate::FeedbackState> {
    axum::Router::new()
}
