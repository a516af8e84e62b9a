# Why an agency's invitation template is refused (field messages follow the field name).
template-empty = must not be empty
template-source-too-long = must be at most { $max } characters long
template-syntax = does not parse: { $detail }
template-syntax-line = does not parse: { $detail } (line { $line })
template-unknown-variables = uses unknown names: { $names }; available are { $available }
template-missing-variable = must contain { $name }
template-too-much-work = takes too much work to render: a loop or a repetition is too large
template-failed = cannot be rendered: { $detail }
template-renders-empty = renders to nothing
template-subject-too-long = renders to more than { $max } characters on one line
template-body-too-long = renders to more than { $max } characters
template-too-many-lines = renders to more than { $max } lines
template-too-many-segments = renders to more than { $max } SMS segments
template-unusable-title = The agency's invitation template can't be used
template-unusable-detail = The { $channel } template for { $language }: its field "{ $field }" { $reason }. Correct it, or delete it to use the built-in wording; nothing was sent or stored.
