//! Domain types. Once a value has one of these types it is valid.

pub mod account;
pub mod api_key;
pub mod branding;
pub mod country;
pub mod country_names;
pub mod customer;
pub mod email;
pub mod feedback;
pub mod file;
pub mod form;
pub mod ids;
pub mod invitation;
pub mod language;
pub mod local_path;
pub mod message;
pub mod object_key;
pub mod password;
pub mod phone;
pub mod secret;
pub mod staff;
pub mod status;
pub mod tenant;
pub mod text;
pub mod validation;
pub mod wishes;
pub mod wishes_export;

pub use account::{Account, LoginOwner, SessionRecord, Subject};
pub use api_key::{ApiKeyHash, ApiKeyRecord, ApiKeySecret};
pub use branding::{Branding, BrandingInput, HexColour, LogoUrl};
pub use country::CountryCode;
pub use customer::{Address, Customer, CustomerChanges, ProjectStatus, ValidCustomerChanges};
pub use email::Email;
pub use feedback::{
    Author, AuthorKind, FeedbackItem, FeedbackNotice, FeedbackReply, FeedbackSite, FeedbackState,
    FeedbackToken, HistoryEntry, NoticeKind, Position, SiteUrl, Viewport,
};
pub use file::{
    DirectLink, FileNotice, FileRecord, FileSettings, FileState, MultipartUpload, NoticeTo,
    Uploader,
};
pub use form::{
    EmailState, EntryField, Form, FormChanges, FormEntry, FormEntryId, FormId, NotificationDue,
    Origin, RedirectUrl, TurnstileSecret, Verification,
};
pub use ids::{
    ApiKeyId, CommentId, CustomerId, DirectLinkId, FeedbackItemId, FeedbackNoticeId,
    FeedbackTokenId, FileId, InvitationId, StaffId, TenantId,
};
pub use invitation::{
    Actor, Channel, EventKind, Invitation, InvitationEvent, InvitationState, LinkStatus, LinkToken,
    PortalArea, TokenHash, TokenPurpose, TokenRecord, VoidReason, Voided,
};
pub use language::Language;
pub use local_path::LocalPath;
pub use message::{OutgoingEmail, OutgoingSms};
pub use object_key::{FileInfo, ObjectKey};
pub use phone::PhoneNumber;
pub use staff::{NewStaff, StaffChanges, StaffInvitation, StaffMember, StaffStatus, ValidNewStaff};
pub use status::StatusChange;
pub use tenant::{NewTenant, PlanTier, PortalUrl, RetentionDays, Tenant, ValidityDays};
pub use validation::{FieldError, FieldErrors, FieldProblem};
pub use wishes::{Brief, WishesComment, WishesDraft, WishesSubmission};
