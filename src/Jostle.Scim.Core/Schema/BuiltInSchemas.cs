namespace Jostle.Scim.Schema;

/// <summary>
/// The schemas the library ships: RFC 7643 User (§4.1), Group (§4.2), Enterprise User (§4.3), and the Jostle
/// User extension. Characteristics follow the schema representation of RFC 7643 §8.7.1; the few places where this
/// library deliberately differs from §8.7.1 are commented where they are defined.
/// </summary>
/// <remarks>
/// The common attributes <c>id</c>, <c>externalId</c> and <c>meta</c> (RFC 7643 §3.1) are not part of these
/// schemas; see <see cref="CommonAttributes"/>.
/// </remarks>
public static partial class BuiltInSchemas
{
    private const string DisplayDescription = "A human-readable name, primarily used for display purposes. READ-ONLY.";
    private const string PrimaryDescription = "A Boolean value indicating the 'primary' or preferred attribute value for this attribute. The primary attribute value 'true' MUST appear no more than once.";

    /// <summary>The core User schema (RFC 7643 §4.1, §8.7.1).</summary>
    public static SchemaDefinition User { get; } = new(ScimSchemaUris.User, "User",
    [
        Text("userName", "Unique identifier for the User, typically used by the user to directly authenticate to the service provider. Each User MUST include a non-empty userName value. This identifier MUST be unique across the service provider's entire set of Users. REQUIRED.", required: true, uniqueness: Uniqueness.Server),
        new("name", AttributeType.Complex)
        {
            Description = "The components of the user's real name. Providers MAY return just the full name as a single string in the formatted sub-attribute, or they MAY return just the individual component attributes using the other sub-attributes, or they MAY return both. If both variants are returned, they SHOULD be describing the same name, with the formatted name indicating how the component attributes should be combined.",
            SubAttributes =
            [
                Text("formatted", "The full name, including all middle names, titles, and suffixes as appropriate, formatted for display (e.g., 'Ms. Barbara J Jensen, III')."),
                Text("familyName", "The family name of the User, or last name in most Western languages (e.g., 'Jensen' given the full name 'Ms. Barbara J Jensen, III')."),
                Text("givenName", "The given name of the User, or first name in most Western languages (e.g., 'Barbara' given the full name 'Ms. Barbara J Jensen, III')."),
                Text("middleName", "The middle name(s) of the User (e.g., 'Jane' given the full name 'Ms. Barbara J Jensen, III')."),
                Text("honorificPrefix", "The honorific prefix(es) of the User, or title in most Western languages (e.g., 'Ms.' given the full name 'Ms. Barbara J Jensen, III')."),
                Text("honorificSuffix", "The honorific suffix(es) of the User, or suffix in most Western languages (e.g., 'III' given the full name 'Ms. Barbara J Jensen, III')."),
            ],
        },
        Text("displayName", "The name of the User, suitable for display to end-users. The name SHOULD be the full name of the User being described, if known."),
        Text("nickName", "The casual way to address the user in real life, e.g., 'Bob' or 'Bobby' instead of 'Robert'. This attribute SHOULD NOT be used to represent a User's username (e.g., 'bjensen' or 'mpepperidge')."),
        new("profileUrl", AttributeType.Reference)
        {
            Description = "A fully qualified URL pointing to a page representing the User's online profile.",
            ReferenceTypes = ["external"],
        },
        Text("title", "The user's title, such as \"Vice President.\""),
        Text("userType", "Used to identify the relationship between the organization and the user. Typical values used might be 'Contractor', 'Employee', 'Intern', 'Temp', 'External', and 'Unknown', but any value may be used."),
        Text("preferredLanguage", "Indicates the User's preferred written or spoken language. Generally used for selecting a localized user interface; e.g., 'en_US' specifies the language English and country US."),
        Text("locale", "Used to indicate the User's default location for purposes of localizing items such as currency, date time format, or numerical representations."),
        Text("timezone", "The User's time zone in the 'Olson' time zone database format, e.g., 'America/Los_Angeles'."),
        new("active", AttributeType.Boolean) { Description = "A Boolean value indicating the User's administrative status." },
        Text("password", "The User's cleartext password. This attribute is intended to be used as a means to specify an initial password when creating a new User or to reset an existing User's password.", mutability: Mutability.WriteOnly, returned: Returned.Never),
        MultiValued("emails", "Email addresses for the user. The value SHOULD be canonicalized by the service provider, e.g., 'bjensen@example.com' instead of 'bjensen@EXAMPLE.COM'. Canonical type values of 'work', 'home', and 'other'.",
            Text("value", "Email addresses for the user. The value SHOULD be canonicalized by the service provider, e.g., 'bjensen@example.com' instead of 'bjensen@EXAMPLE.COM'. Canonical type values of 'work', 'home', and 'other'."),
            "A label indicating the attribute's function, e.g., 'work' or 'home'.", ["work", "home", "other"],
            "A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred mailing address or primary email address. The primary attribute value 'true' MUST appear no more than once."),
        MultiValued("phoneNumbers", "Phone numbers for the User. The value SHOULD be canonicalized by the service provider according to the format specified in RFC 3966, e.g., 'tel:+1-201-555-0123'. Canonical type values of 'work', 'home', 'mobile', 'fax', 'pager', and 'other'.",
            Text("value", "Phone number of the User."),
            "A label indicating the attribute's function, e.g., 'work', 'home', 'mobile'.", ["work", "home", "mobile", "fax", "pager", "other"],
            "A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred phone number or primary phone number. The primary attribute value 'true' MUST appear no more than once."),
        MultiValued("ims", "Instant messaging addresses for the User.",
            Text("value", "Instant messaging address for the User."),
            "A label indicating the attribute's function, e.g., 'aim', 'gtalk', 'xmpp'.", ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"],
            "A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred messenger or primary messenger. The primary attribute value 'true' MUST appear no more than once."),
        MultiValued("photos", "URLs of photos of the User.",
            new("value", AttributeType.Reference) { Description = "URL of a photo of the User.", ReferenceTypes = ["external"] },
            "A label indicating the attribute's function, i.e., 'photo' or 'thumbnail'.", ["photo", "thumbnail"],
            "A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred photo or thumbnail. The primary attribute value 'true' MUST appear no more than once."),
        new("addresses", AttributeType.Complex)
        {
            MultiValued = true,
            Description = "A physical mailing address for this User. Canonical type values of 'work', 'home', and 'other'. This attribute is a complex type with the following sub-attributes.",
            SubAttributes =
            [
                Text("formatted", "The full mailing address, formatted for display or use with a mailing label. This attribute MAY contain newlines."),
                Text("streetAddress", "The full street address component, which may include house number, street name, P.O. box, and multi-line extended street address information. This attribute MAY contain newlines."),
                Text("locality", "The city or locality component."),
                Text("region", "The state or region component."),
                Text("postalCode", "The zip code or postal code component."),
                Text("country", "The country name component."),
                Text("type", "A label indicating the attribute's function, e.g., 'work' or 'home'.", canonicalValues: ["work", "home", "other"]),
                // §4.1.2 lists 'primary' for addresses although the §8.7.1 representation leaves it out.
                new("primary", AttributeType.Boolean) { Description = "A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred mailing address. The primary attribute value 'true' MUST appear no more than once." },
            ],
        },
        new("groups", AttributeType.Complex)
        {
            MultiValued = true,
            Mutability = Mutability.ReadOnly,
            Description = "A list of groups to which the user belongs, either through direct membership, through nested groups, or dynamically calculated.",
            SubAttributes =
            [
                // §8.7.1 says caseExact false; the value is a Group's 'id', which §3.1 makes case-exact.
                Text("value", "The identifier of the User's group.", caseExact: true, mutability: Mutability.ReadOnly),
                new("$ref", AttributeType.Reference) { Description = "The URI of the corresponding 'Group' resource to which the user belongs.", ReferenceTypes = ["User", "Group"], Mutability = Mutability.ReadOnly },
                Text("display", DisplayDescription, mutability: Mutability.ReadOnly),
                Text("type", "A label indicating the attribute's function, e.g., 'direct' or 'indirect'.", canonicalValues: ["direct", "indirect"], mutability: Mutability.ReadOnly),
            ],
        },
        MultiValued("entitlements", "A list of entitlements for the User that represent a thing the User has.",
            Text("value", "The value of an entitlement."),
            "A label indicating the attribute's function.", [], PrimaryDescription),
        MultiValued("roles", "A list of roles for the User that collectively represent who the User is, e.g., 'Student', 'Faculty'.",
            Text("value", "The value of a role."),
            "A label indicating the attribute's function.", [], PrimaryDescription),
        MultiValued("x509Certificates", "A list of certificates issued to the User.",
            // §8.7.1 says caseExact false; §2.3.6 makes binary values case-exact, and base64 is case-sensitive.
            new("value", AttributeType.Binary) { Description = "The value of an X.509 certificate.", CaseExact = true },
            "A label indicating the attribute's function.", [], PrimaryDescription),
    ])
    {
        Description = "User Account",
    };

    /// <summary>The core Group schema (RFC 7643 §4.2, §8.7.1).</summary>
    public static SchemaDefinition Group { get; } = new(ScimSchemaUris.Group, "Group",
    [
        // §4.2 says REQUIRED; the §8.7.1 representation says required false. A group needs a name: required.
        Text("displayName", "A human-readable name for the Group. REQUIRED.", required: true),
        new("members", AttributeType.Complex)
        {
            MultiValued = true,
            Description = "A list of members of the Group.",
            SubAttributes =
            [
                // §8.7.1 says caseExact false; the value is a resource 'id', which §3.1 makes case-exact.
                Text("value", "Identifier of the member of this Group.", caseExact: true, mutability: Mutability.Immutable),
                new("$ref", AttributeType.Reference) { Description = "The URI corresponding to a SCIM resource that is a member of this Group.", ReferenceTypes = ["User", "Group"], Mutability = Mutability.Immutable },
                // Not in §8.7.1, but §4.2's example carries it and clients send it. §4.2 makes every
                // sub-attribute of members immutable, so a client may supply it when adding a member.
                Text("display", "A human-readable name for the member, primarily used for display purposes.", mutability: Mutability.Immutable),
                Text("type", "A label indicating the type of resource, e.g., 'User' or 'Group'.", canonicalValues: ["User", "Group"], mutability: Mutability.Immutable),
            ],
        },
    ])
    {
        Description = "Group",
    };

    /// <summary>The Enterprise User extension (RFC 7643 §4.3, §8.7.1).</summary>
    public static SchemaDefinition EnterpriseUser { get; } = new(ScimSchemaUris.EnterpriseUser, "EnterpriseUser",
    [
        Text("employeeNumber", "Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization."),
        Text("costCenter", "Identifies the name of a cost center."),
        Text("organization", "Identifies the name of an organization."),
        Text("division", "Identifies the name of a division."),
        Text("department", "Identifies the name of a department."),
        new("manager", AttributeType.Complex)
        {
            Description = "The User's manager. A complex type that optionally allows service providers to represent organizational hierarchy by referencing the 'id' attribute of another User.",
            SubAttributes =
            [
                // §4.3 calls value and $ref REQUIRED but §8.7.1 marks both required false; Entra sends only the
                // manager's id (no $ref), so they stay optional. value is an 'id': case-exact (§3.1).
                Text("value", "The id of the SCIM resource representing the User's manager. REQUIRED.", caseExact: true),
                new("$ref", AttributeType.Reference) { Description = "The URI of the SCIM resource representing the User's manager. REQUIRED.", ReferenceTypes = ["User"] },
                Text("displayName", "The displayName of the User's manager. OPTIONAL and READ-ONLY.", mutability: Mutability.ReadOnly),
            ],
        },
    ])
    {
        Description = "Enterprise User",
    };

    /// <summary>
    /// The Jostle User extension (<c>urn:ietf:params:scim:schemas:extension:jostle:2.0:User</c>): the fields the
    /// Microsoft Entra ID Jostle provisioning mapping sends beyond the core and Enterprise User schemas.
    /// </summary>
    /// <remarks>
    /// Jostle's phone types (<c>workofficephone</c>, <c>homephone</c>, <c>workmobilephone</c>,
    /// <c>personalmobilephone</c>) and email types (<c>alternate1</c>, <c>alternate2</c>) are values of the core
    /// <c>phoneNumbers.type</c> and <c>emails.type</c>; canonical values are suggestions, so they need no schema change.
    /// </remarks>
    public static SchemaDefinition JostleUser { get; } = new(ScimSchemaUris.JostleUser, "JostleUser",
    [
        Text("alternateEmail1Label", "The label shown for the user's email of type 'alternate1'."),
        Text("alternateEmail2Label", "The label shown for the user's email of type 'alternate2'."),
        Text("pronouns", "The user's pronouns, e.g., 'she/her'."),
        // Birth and join dates are calendar dates, not instants: a dateTime would need a time and an offset,
        // and converting between zones would move the day. A "YYYY-MM-DD" string keeps the date as sent, and
        // ISO dates still order correctly under the lexical gt/ge/lt/le comparisons of strings.
        Text("birthDate", "The user's date of birth as a calendar date in the form YYYY-MM-DD (ISO 8601), e.g., '1990-04-23'."),
        Text("joinDate", "The date the user joined the organization, as a calendar date in the form YYYY-MM-DD (ISO 8601)."),
        Text("customBadge", "A custom badge shown on the user's Jostle profile."),
        Text("filterCategory", "A category that Jostle uses to filter people in directories and audiences."),
        Text("profile", "The name of the Jostle profile (template) that applies to the user."),
        // A plain list of names: Entra maps a multi-valued string directly, and a location needs no sub-attributes.
        Text("locations", "The names of the locations the user works at.", multiValued: true),
        Text("loginType", "How the user signs in to Jostle, e.g., single sign-on or password."),
    ])
    {
        Description = "Jostle User",
    };

    /// <summary>A single-valued, case-insensitive, read-write string: the commonest attribute shape in §8.7.1.</summary>
    private static AttributeDefinition Text(
        string name,
        string description,
        bool multiValued = false,
        bool required = false,
        bool caseExact = false,
        Mutability mutability = Mutability.ReadWrite,
        Returned returned = Returned.Default,
        Uniqueness uniqueness = Uniqueness.None,
        IReadOnlyList<string>? canonicalValues = null) =>
        new(name, AttributeType.String)
        {
            Description = description,
            MultiValued = multiValued,
            Required = required,
            CaseExact = caseExact,
            Mutability = mutability,
            Returned = returned,
            Uniqueness = uniqueness,
            CanonicalValues = canonicalValues ?? [],
        };

    /// <summary>A multi-valued complex attribute with the standard sub-attributes value, display, type and primary (§2.4).</summary>
    private static AttributeDefinition MultiValued(string name, string description, AttributeDefinition value, string typeDescription, IReadOnlyList<string> typeCanonicalValues, string primaryDescription) =>
        new(name, AttributeType.Complex)
        {
            MultiValued = true,
            Description = description,
            SubAttributes =
            [
                value,
                // §8.7.1 gives display a mutability of readWrite despite "READ-ONLY" in its description; clients send it.
                Text("display", DisplayDescription),
                Text("type", typeDescription, canonicalValues: typeCanonicalValues),
                new("primary", AttributeType.Boolean) { Description = primaryDescription },
            ],
        };
}
