# Feedback on the draft website: the API's problems, the batched email, the overlay's texts.
feedback-not-open-title = Feedback is not open for this project
feedback-not-open-detail = Your agency takes feedback on the website once the preview is ready. Until then there is nothing to comment on here.
feedback-token-expired-title = This feedback session has expired
feedback-token-expired-detail = For your security, a feedback session lasts two hours. Open the website again from your customer portal with "Give feedback".
feedback-token-revoked-title = This feedback session was ended
feedback-token-revoked-detail = This feedback session no longer works. Open the website again from your customer portal with "Give feedback".
feedback-token-invalid-title = No valid feedback session
feedback-token-invalid-detail = Open the website from your customer portal with "Give feedback" to comment on it.

feedback-state-open = open
feedback-state-in-progress = in progress
feedback-state-resolved = resolved
feedback-state-wont-fix = won't be changed

feedback-notice-subject = { $count ->
    [one] News on the website feedback in the { $agency } customer portal
   *[other] { $count } updates on the website feedback in the { $agency } customer portal
}
feedback-notice-greeting = Hello,
feedback-notice-intro = { $count ->
    [one] There is news on the website feedback for { $company }: { $items }
   *[other] There are { $count } updates on the website feedback for { $company }: { $items }
}
feedback-notice-new = new point #{ $number } on { $page }: "{ $text }"
feedback-notice-reply = reply on #{ $number } ({ $page }): "{ $text }"
feedback-notice-state = #{ $number } ({ $page }) is now { $state }
feedback-notice-button = Open the feedback
feedback-notice-signoff = Kind regards,
feedback-notice-footer = This email was sent automatically by the { $agency } customer portal.

overlay-comment-mode = Comment
overlay-hint = Click the part of the page you want to comment on.
overlay-comment-label = Your comment
overlay-send = Send
overlay-cancel = Cancel
overlay-close = Close
overlay-sent = Thank you! Your comment was sent.
overlay-failed = Your comment could not be sent. Please try again.
overlay-attach = Attach files from your files area
overlay-not-found = Point #{ $number } can't be found on this page any more: the page may have changed.
overlay-replies = { $count ->
    [one] 1 reply
   *[other] { $count } replies
}
