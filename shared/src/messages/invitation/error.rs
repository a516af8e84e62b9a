//! Why an invitation template can't be used, told from the catalogue in the reader's
//! language.

use super::VARIABLES;
use crate::{
    domain::{FieldError, Language},
    i18n::{t, t_with},
};

/// The part of a template a problem is in, named as the template's JSON field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplatePart {
    Subject,
    Body,
}

impl TemplatePart {
    pub fn field(self) -> &'static str {
        match self {
            TemplatePart::Subject => "subject",
            TemplatePart::Body => "body",
        }
    }
}

/// Why a template can't be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateFault {
    Empty,
    SourceTooLong {
        max: usize,
    },
    Syntax {
        detail: String,
        line: Option<usize>,
    },
    UnknownVariables(Vec<String>),
    MissingVariable(&'static str),
    /// The engine's fuel ran out: loops or repetitions too large.
    TooMuchWork,
    /// Any other render error, such as a division by zero or a filter given the wrong type.
    Failed(String),
    RendersEmpty,
    RendersTooLong {
        max: usize,
    },
    TooManyLines {
        max: usize,
    },
    TooManySegments {
        max: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub part: TemplatePart,
    pub fault: TemplateFault,
}

impl std::error::Error for TemplateError {}

/// For logs: the field and the English message.
impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.part.field(), self.message(Language::En))
    }
}

impl TemplateError {
    pub(super) fn new(part: TemplatePart, fault: TemplateFault) -> Self {
        Self { part, fault }
    }

    pub(super) fn rendering(part: TemplatePart, e: &minijinja::Error) -> Self {
        let fault = match e.kind() {
            minijinja::ErrorKind::OutOfFuel => TemplateFault::TooMuchWork,
            _ => TemplateFault::Failed(e.detail().unwrap_or("error").to_owned()),
        };
        Self::new(part, fault)
    }

    /// Why, in `language`, from the catalogue (`template-*` in `templates.ftl`). Details
    /// quoted from the template engine stay in its English.
    pub fn message(&self, language: Language) -> String {
        let max = |key: &str, max: &usize| t_with(language, key, &[("max", &max.to_string())]);
        match &self.fault {
            TemplateFault::Empty => t(language, "template-empty"),
            TemplateFault::SourceTooLong { max: m } => max("template-source-too-long", m),
            TemplateFault::Syntax { detail, line } => match line {
                Some(line) => t_with(
                    language,
                    "template-syntax-line",
                    &[("detail", detail), ("line", &line.to_string())],
                ),
                None => t_with(language, "template-syntax", &[("detail", detail)]),
            },
            TemplateFault::UnknownVariables(names) => t_with(
                language,
                "template-unknown-variables",
                &[
                    ("names", &braced(names.iter().map(String::as_str))),
                    ("available", &braced(VARIABLES.iter().copied())),
                ],
            ),
            TemplateFault::MissingVariable(name) => t_with(
                language,
                "template-missing-variable",
                &[("name", &braced([*name]))],
            ),
            TemplateFault::TooMuchWork => t(language, "template-too-much-work"),
            TemplateFault::Failed(detail) => {
                t_with(language, "template-failed", &[("detail", detail)])
            }
            TemplateFault::RendersEmpty => t(language, "template-renders-empty"),
            TemplateFault::RendersTooLong { max: m } => match self.part {
                TemplatePart::Subject => max("template-subject-too-long", m),
                TemplatePart::Body => max("template-body-too-long", m),
            },
            TemplateFault::TooManyLines { max: m } => max("template-too-many-lines", m),
            TemplateFault::TooManySegments { max: m } => max("template-too-many-segments", m),
        }
    }

    /// The problem under the template's `subject` or `body` field.
    pub fn field_error(&self, language: Language) -> FieldError {
        FieldError::new(self.part.field(), self.message(language))
    }
}

fn braced<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names
        .into_iter()
        .map(|name| format!("{{{{ {name} }}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}
