//! The diff's rules: one variant per kind of change, each documented, so that this
//! list is the reference of what `diff` reports (as oasdiff's checker list is).
//!
//! A rule names *what* changed; how bad it is ([`Level`](super::Level)) depends on where
//! the schema travels (requests or responses) and is decided by the walker.

use std::fmt;

use serde::Serialize;

macro_rules! rules {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $name:literal, )+) => {
        /// A kind of spec change the diff recognises.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum Rule {
            $( $(#[doc = $doc])+ #[serde(rename = $name)] $variant, )+
        }

        impl Rule {
            /// Every rule, in the order of this list.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)+];

            /// The rule's stable name, e.g. `property-became-required`.
            pub fn name(self) -> &'static str {
                match self { $(Rule::$variant => $name,)+ }
            }

            /// The rule's documentation (its doc comment).
            pub fn doc(self) -> &'static str {
                match self { $(Rule::$variant => concat!($($doc, "\n"),+),)+ }
            }
        }
    };
}

rules! {
    /// A spec file was added: a new API module. INFO.
    SpecAdded = "spec-added",
    /// A spec file was removed with its module and every operation. ERR.
    SpecRemoved = "spec-removed",
    /// An operation (method and path) was added: a new client method. INFO.
    OperationAdded = "operation-added",
    /// An operation was removed: its client method is gone. ERR.
    OperationRemoved = "operation-removed",
    /// The operationId changed, so the client method (and its builder, reply and error
    /// types) are renamed. INFO on the wire; Rust code stops compiling.
    OperationIdChanged = "operation-id-changed",
    /// An operation was marked `deprecated`. INFO.
    OperationDeprecated = "operation-deprecated",
    /// An optional parameter was added: a new setter of the request builder. INFO.
    ParameterAdded = "parameter-added",
    /// A parameter was removed. ERR.
    ParameterRemoved = "parameter-removed",
    /// A required parameter was added: callers must send it. ERR.
    RequiredParameterAdded = "required-parameter-added",
    /// An optional parameter became required. ERR.
    ParameterBecameRequired = "parameter-became-required",
    /// A required parameter became optional: its Rust argument becomes a setter. INFO.
    ParameterBecameOptional = "parameter-became-optional",
    /// A path parameter was renamed in place (the same position in the template): the
    /// positional argument stays. INFO.
    PathParameterRenamed = "path-parameter-renamed",
    /// An optional request body was added. INFO.
    RequestBodyAdded = "request-body-added",
    /// A required request body was added. ERR.
    RequiredRequestBodyAdded = "required-request-body-added",
    /// The request body was removed. ERR.
    RequestBodyRemoved = "request-body-removed",
    /// The request body became required. ERR.
    RequestBodyBecameRequired = "request-body-became-required",
    /// The request body became optional. INFO.
    RequestBodyBecameOptional = "request-body-became-optional",
    /// A media type was added to a request or response body. INFO.
    MediaTypeAdded = "media-type-added",
    /// A media type was removed from a request or response body (its level depends on
    /// the direction).
    MediaTypeRemoved = "media-type-removed",
    /// An error status was documented: a new variant of `<Op>Error` when it has a body
    /// (the enum is `#[non_exhaustive]`, so code keeps compiling). INFO.
    StatusAdded = "status-added",
    /// An error status is no longer documented. INFO.
    StatusRemoved = "status-removed",
    /// A status moved between the successes and the errors (e.g. `default` once the
    /// operation documents a success): its variant moves between `<Op>Reply` and
    /// `<Op>Error`. INFO.
    StatusMoved = "status-moved",
    /// A success status was documented: a new variant of `<Op>Reply`. INFO.
    SuccessStatusAdded = "success-status-added",
    /// A success status is no longer documented: its `<Op>Reply` variant is gone. ERR.
    SuccessStatusRemoved = "success-status-removed",
    /// A component schema was added: a new Rust type. INFO.
    SchemaAdded = "schema-added",
    /// A component schema was removed: its Rust type is gone. INFO on the wire.
    SchemaRemoved = "schema-removed",
    /// A reference now points at another component of the same shape: the Rust type is
    /// renamed. INFO.
    TypeRenamed = "type-renamed",
    /// A reference to a component was replaced by an inline schema. INFO.
    TypeInlined = "type-inlined",
    /// An inline schema was replaced by a reference to a component. INFO.
    TypeExtracted = "type-extracted",
    /// A type that was an alias of an identical shape (codegen merges those under the
    /// first name) is now a type of its own: a value of the other type no longer fits
    /// where this one is expected. INFO on the wire; Rust code may stop compiling.
    TypeUnmerged = "type-unmerged",
    /// A type became an alias of an identical shape: values of the two now mix, but code
    /// that implemented a trait for both stops compiling. INFO.
    TypeMerged = "type-merged",
    /// The type of a value changed (`type`, or the component referenced). ERR.
    TypeChanged = "type-changed",
    /// The `format` of a value changed (and with it, possibly, its Rust type). ERR.
    FormatChanged = "format-changed",
    /// An optional property was added: a new setter. INFO.
    PropertyAdded = "property-added",
    /// A required property was added: an argument of `new(..)` (its level depends on the
    /// direction).
    RequiredPropertyAdded = "required-property-added",
    /// A property was removed. Requests: WARN (the server may ignore or refuse it, as
    /// oasdiff's `request-property-removed`); responses: ERR when it was required, WARN
    /// when optional (oasdiff's `response-optional-property-removed`). Rust: its field
    /// and setter are gone.
    PropertyRemoved = "property-removed",
    /// An optional property became required (its level depends on the direction).
    PropertyBecameRequired = "property-became-required",
    /// A required property became optional (its level depends on the direction).
    PropertyBecameOptional = "property-became-optional",
    /// A value may now be `null` (its level depends on the direction).
    BecameNullable = "became-nullable",
    /// A value may no longer be `null` (its level depends on the direction).
    BecameNonNullable = "became-non-nullable",
    /// A value became restricted to an enum.
    EnumAdded = "enum-added",
    /// A value is no longer restricted to an enum.
    EnumRemoved = "enum-removed",
    /// An enum value was added (its level depends on the direction); the Rust enum is
    /// open (`Other`), so code keeps compiling.
    EnumValueAdded = "enum-value-added",
    /// An enum value was removed. ERR.
    EnumValueRemoved = "enum-value-removed",
    /// A `oneOf`/`anyOf` member was added.
    VariantAdded = "variant-added",
    /// A `oneOf`/`anyOf` member was removed.
    VariantRemoved = "variant-removed",
    /// A constraint (`maxLength`, `minimum`, `maxItems`, `pattern`, ...) was tightened.
    /// Requests: ERR when an existing bound tightens or a pattern is added (values
    /// callers sent are refused; oasdiff's `*-max-length-decreased`, `*-pattern-added`),
    /// WARN when a bound is set where there was none or a pattern is replaced by another
    /// (`*-max-length-set`, `*-pattern-changed`); responses: INFO. Rust: no type changes.
    ConstraintTightened = "constraint-tightened",
    /// A constraint was loosened or removed (a pattern that matches everything, such as
    /// `.*`, counts as none). WARN in responses (values callers did not expect), INFO in
    /// requests.
    ConstraintLoosened = "constraint-loosened",
    /// An `allOf` member was added: requests must now satisfy one more schema. ERR in
    /// requests, INFO in responses (as oasdiff's `request-body-all-of-added`). Rust: the
    /// merged struct gains the member's properties; code may stop compiling when one is
    /// required.
    AllOfAdded = "all-of-added",
    /// An `allOf` member was removed: responses may lack what it guaranteed. WARN in
    /// responses, INFO in requests.
    AllOfRemoved = "all-of-removed",
    /// `const` was added, removed or changed (JSON Schema 2020-12, OpenAPI 3.1). Added or
    /// changed: ERR in requests (a value callers sent is now rejected); changed or
    /// removed: WARN in responses (a value callers relied on may differ). Rust: the type
    /// stays, so code keeps compiling.
    ConstChanged = "const-changed",
    /// `contains` was added, removed or changed, or `minContains`/`maxContains` moved
    /// (3.1). Requests: added, changed or tightened is ERR; responses: removed or
    /// changed is ERR, loosened WARN (oasdiff's `*-contains-*` rules). Rust: arrays keep
    /// their item type, so code keeps compiling.
    ContainsChanged = "contains-changed",
    /// `dependentRequired` (3.1) gained or lost a dependency: a property that now
    /// requires others is ERR in requests; one that no longer does is ERR in responses
    /// (callers relied on the others being present). Rust: no type changes.
    DependentRequiredChanged = "dependent-required-changed",
    /// `unevaluatedProperties`/`unevaluatedItems` (3.1) added, removed or changed: added
    /// or made stricter is ERR in requests (properties callers sent are refused);
    /// removed or looser is ERR in responses (unexpected members may come back). Rust: no
    /// type changes.
    UnevaluatedChanged = "unevaluated-changed",
    /// `prefixItems` (3.1, tuple items) added, removed or changed: ERR in either
    /// direction, the positions of an array change meaning. Rust: the item type may
    /// change (maybe).
    PrefixItemsChanged = "prefix-items-changed",
    /// `if`/`then`/`else` (3.1) added, removed or changed: conditional validation the
    /// diff does not evaluate. WARN in either direction, for a human to judge. Rust: no
    /// type changes.
    ConditionalChanged = "conditional-changed",
    /// An `x-extensible-enum` value was removed: callers that send it are refused. ERR in
    /// requests, INFO in responses (the enum is declared open, so callers already handle
    /// unknown values). Rust: the value was a string, so code keeps compiling.
    ExtensibleEnumValueRemoved = "extensible-enum-value-removed",
    /// An `x-extensible-enum` value was added. INFO (the list is open by declaration).
    ExtensibleEnumValueAdded = "extensible-enum-value-added",
    /// The `discriminator` changed: its `propertyName`, or a `mapping` entry removed or
    /// retargeted, is ERR in either direction (payloads are told apart differently); a
    /// `mapping` entry added is WARN in responses. Rust: the union's variants may
    /// change (maybe).
    DiscriminatorChanged = "discriminator-changed",
    /// A `default` value was added, removed or changed. Requests: changed is ERR (a
    /// call that omits the value now means something else), added or removed WARN;
    /// responses: INFO. Rust: codegen reads defaults when it decodes, so the type stays;
    /// code keeps compiling.
    DefaultChanged = "default-changed",
    /// A property became `readOnly` or stopped being so. Became read-only: WARN in
    /// requests (the server ignores what callers send); stopped being read-only while
    /// required: ERR in requests (callers must now send it). Rust: a required property
    /// enters or leaves `new(..)`, so code may stop compiling.
    ReadOnlyChanged = "read-only-changed",
    /// A property became `writeOnly` or stopped being so. Became write-only: ERR in
    /// responses when required there (it no longer comes back), WARN otherwise. Rust:
    /// as `read-only-changed`.
    WriteOnlyChanged = "write-only-changed",
    /// A parameter was marked `deprecated`. INFO.
    ParameterDeprecated = "parameter-deprecated",
    /// A property was marked `deprecated`. INFO.
    PropertyDeprecated = "property-deprecated",
    /// A sunset date (`x-sunset`, RFC 3339 date or date-time) of an operation or a
    /// parameter is not a date. ERR, as oasdiff's `*-sunset-parse`: tools that plan
    /// migrations cannot read it.
    SunsetInvalid = "sunset-invalid",
    /// The sunset date of a deprecated operation or parameter was removed. ERR, as
    /// oasdiff's `*-sunset-deleted`: callers lose the date they planned for.
    SunsetRemoved = "sunset-removed",
    /// The sunset date of an operation or parameter moved earlier. ERR: callers have
    /// less time than announced.
    SunsetEarlier = "sunset-earlier",
    /// An operation's `x-stability-level` is not one of `draft`, `alpha`, `beta`,
    /// `stable`. ERR, as oasdiff's `api-invalid-stability-level`.
    StabilityInvalid = "stability-invalid",
    /// An operation's `x-stability-level` went down (e.g. `stable` → `beta`). ERR: the
    /// promise callers relied on is withdrawn. Changes to an operation that was `draft`
    /// or `alpha` are reported at INFO, whatever their rule: such operations may change
    /// (oasdiff does not report them either); their Rust verdict stays.
    StabilityDecreased = "stability-decreased",
    /// A security requirement alternative was removed from an operation (or from the
    /// document's default), or an operation open to anonymous callers now requires
    /// credentials: callers that used it are refused. ERR. Rust: the client builder's
    /// credential methods stay, so code keeps compiling.
    SecurityRequirementRemoved = "security-requirement-removed",
    /// A security requirement alternative was added: callers may authenticate another
    /// way. INFO.
    SecurityRequirementAdded = "security-requirement-added",
    /// A requirement now asks for a scope (OAuth 2.0, OpenID Connect) it did not: tokens
    /// callers hold lack it. ERR.
    SecurityScopeAdded = "security-scope-added",
    /// A requirement no longer asks for a scope. INFO.
    SecurityScopeRemoved = "security-scope-removed",
    /// A security scheme changed how credentials are sent (`type`, `scheme`, `in`,
    /// `name`) or was removed while requirements use it: ERR. A changed token or
    /// authorization URL: WARN. Rust: the builder's methods stay.
    SecuritySchemeChanged = "security-scheme-changed",
    /// A webhook was added. INFO.
    WebhookAdded = "webhook-added",
    /// A webhook was removed: receivers no longer get its events. ERR (oasdiff's
    /// `webhook-removed`). Rust: its payload types and cargo feature may go (maybe).
    WebhookRemoved = "webhook-removed",
    /// A response header was added. INFO.
    ResponseHeaderAdded = "response-header-added",
    /// A response header was removed: ERR when it was required, WARN otherwise. Rust:
    /// headers are read from the raw reply, so code keeps compiling.
    ResponseHeaderRemoved = "response-header-removed",
    /// A required response header became optional: callers that read it may not get
    /// it. ERR.
    ResponseHeaderBecameOptional = "response-header-became-optional",
}

impl Rule {
    /// Whether the rule is about something added (which calls for at least a minor bump).
    pub fn is_addition(self) -> bool {
        self.name().ends_with("-added")
    }

    /// The rule with this name.
    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.name() == name)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_documented() {
        let mut names: Vec<_> = Rule::ALL.iter().map(|r| r.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Rule::ALL.len());
        for r in Rule::ALL {
            assert!(!r.doc().trim().is_empty(), "{r}");
            assert_eq!(Rule::from_name(r.name()), Some(*r));
        }
    }
}
