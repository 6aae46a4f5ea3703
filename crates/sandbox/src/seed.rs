//! The fixed seed data every sandbox starts with.
//!
//! Ids, names and passwords are public constants so that tests, the CLI's demo and the
//! README all name the same things. Everything here is fictional and sandbox-only.

/// The one entity.
pub const ENTITY_ID: &str = "ent_acme_robotics";
/// The entity's legal name.
pub const ENTITY_NAME: &str = "Acme Robotics, Inc.";

/// Jane Q. Founder: natural person, ESRA consent on record, signer of the demo document.
pub const JANE_EMAIL: &str = "jane@acme.example";
pub const JANE_PASSWORD: &str = "jane-demo-password";
pub const JANE_USER_ID: &str = "user_2janeqfounder";
pub const JANE_STAKEHOLDER_ID: &str = "stk_jane_founder";
pub const JANE_NAME: &str = "Jane Q. Founder";

/// Sam R. Director: natural person, ESRA consent on record, second signer of the envelope.
pub const SAM_EMAIL: &str = "sam@acme.example";
pub const SAM_PASSWORD: &str = "sam-demo-password";
pub const SAM_USER_ID: &str = "user_2samrdirector";
pub const SAM_STAKEHOLDER_ID: &str = "stk_sam_director";
pub const SAM_NAME: &str = "Sam R. Director";

/// Lee T. Employee: natural person with no ESRA consent yet.
pub const LEE_EMAIL: &str = "lee@acme.example";
pub const LEE_PASSWORD: &str = "lee-demo-password";
pub const LEE_USER_ID: &str = "user_2leetemployee";
pub const LEE_STAKEHOLDER_ID: &str = "stk_lee_employee";
pub const LEE_NAME: &str = "Lee T. Employee";

/// Acme Operations: a sign-in user with no natural-person stakeholder.
pub const OPS_EMAIL: &str = "ops@acme.example";
pub const OPS_PASSWORD: &str = "ops-demo-password";
pub const OPS_USER_ID: &str = "user_2acmeops";
pub const OPS_NAME: &str = "Acme Operations";
/// Acme Holdings LLC: a stakeholder that is not a natural person, linked to the ops user.
pub const HOLDINGS_STAKEHOLDER_ID: &str = "stk_acme_holdings";
pub const HOLDINGS_NAME: &str = "Acme Holdings LLC";

/// The demo document, signed by Jane.
pub const BOARD_CONSENT_DOC_ID: &str = "doc_board_consent_2026";
/// A mutual NDA, signed by Jane.
pub const NDA_DOC_ID: &str = "doc_mutual_nda_globex";
/// Lee's 83(b) election; Lee has no ESRA consent, so a session for it first needs one.
pub const ELECTION_83B_DOC_ID: &str = "doc_83b_election_lee";
/// The option plan, signed inside the envelope below.
pub const OPTION_PLAN_DOC_ID: &str = "doc_option_plan_2026";
/// The sequential envelope: Jane signs first, then Sam.
pub const OPTION_PLAN_ENVELOPE_ID: &str = "env_option_plan_2026";
pub const OPTION_PLAN_JANE_SIGNER_ID: &str = "sgr_option_plan_jane";
pub const OPTION_PLAN_SAM_SIGNER_ID: &str = "sgr_option_plan_sam";

/// The OAuth client the desktop app uses.
pub const OAUTH_CLIENT_ID: &str = "matter_signer_desktop";
/// Its registered redirect URI; loopback URIs match on any port unless exact-port matching is on.
pub const OAUTH_REDIRECT_URI: &str = "http://127.0.0.1/oauth/callback";

/// Creation time of every seeded object (2026-04-01T00:00:00Z), in unix seconds.
pub const SEED_CREATED: i64 = 1_775_001_600;
/// Capture time of the seeded ESRA consents (2026-04-02T00:00:00Z), in unix seconds.
pub const SEED_CONSENT_CAPTURED: i64 = 1_775_088_000;

/// A demo sign-in user.
#[derive(Debug, Clone)]
pub struct SeedUser {
    pub user_id: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub name: &'static str,
    pub given_name: &'static str,
    pub family_name: &'static str,
}

/// Every demo sign-in user.
pub fn users() -> Vec<SeedUser> {
    vec![
        SeedUser {
            user_id: JANE_USER_ID,
            email: JANE_EMAIL,
            password: JANE_PASSWORD,
            name: JANE_NAME,
            given_name: "Jane",
            family_name: "Founder",
        },
        SeedUser {
            user_id: SAM_USER_ID,
            email: SAM_EMAIL,
            password: SAM_PASSWORD,
            name: SAM_NAME,
            given_name: "Sam",
            family_name: "Director",
        },
        SeedUser {
            user_id: LEE_USER_ID,
            email: LEE_EMAIL,
            password: LEE_PASSWORD,
            name: LEE_NAME,
            given_name: "Lee",
            family_name: "Employee",
        },
        SeedUser {
            user_id: OPS_USER_ID,
            email: OPS_EMAIL,
            password: OPS_PASSWORD,
            name: OPS_NAME,
            given_name: "Acme",
            family_name: "Operations",
        },
    ]
}

/// A seeded stakeholder.
#[derive(Debug, Clone)]
pub struct SeedStakeholder {
    pub id: &'static str,
    pub name: &'static str,
    pub email: &'static str,
    pub clerk_user_id: &'static str,
    pub natural_person: bool,
    /// The id of the seeded ESRA consent, when one is on record.
    pub consent_id: Option<&'static str>,
}

/// Every seeded stakeholder.
pub fn stakeholders() -> Vec<SeedStakeholder> {
    vec![
        SeedStakeholder {
            id: JANE_STAKEHOLDER_ID,
            name: JANE_NAME,
            email: JANE_EMAIL,
            clerk_user_id: JANE_USER_ID,
            natural_person: true,
            consent_id: Some("esc_jane_founder_2026"),
        },
        SeedStakeholder {
            id: SAM_STAKEHOLDER_ID,
            name: SAM_NAME,
            email: SAM_EMAIL,
            clerk_user_id: SAM_USER_ID,
            natural_person: true,
            consent_id: Some("esc_sam_director_2026"),
        },
        SeedStakeholder {
            id: LEE_STAKEHOLDER_ID,
            name: LEE_NAME,
            email: LEE_EMAIL,
            clerk_user_id: LEE_USER_ID,
            natural_person: true,
            consent_id: None,
        },
        SeedStakeholder {
            id: HOLDINGS_STAKEHOLDER_ID,
            name: HOLDINGS_NAME,
            email: OPS_EMAIL,
            clerk_user_id: OPS_USER_ID,
            natural_person: false,
            consent_id: None,
        },
    ]
}

/// A seeded document with the text of its PDF and of its disclosure packet.
#[derive(Debug, Clone)]
pub struct SeedDocument {
    pub id: &'static str,
    pub title: &'static str,
    /// The signer, for documents signed outside an envelope.
    pub signer_stakeholder_id: Option<&'static str>,
    pub envelope_id: Option<&'static str>,
    pub body: Vec<&'static str>,
    pub consequences: Vec<&'static str>,
    pub irreversible_effects: Vec<&'static str>,
    pub ongoing_obligations: Vec<&'static str>,
}

/// A seeded signer slot in an envelope.
#[derive(Debug, Clone)]
pub struct SeedSigner {
    pub id: &'static str,
    pub stakeholder_id: &'static str,
    pub order: u32,
}

/// A seeded signing envelope.
#[derive(Debug, Clone)]
pub struct SeedEnvelope {
    pub id: &'static str,
    pub subject: &'static str,
    pub document_ids: Vec<&'static str>,
    pub signers: Vec<SeedSigner>,
}

/// The seeded envelope.
pub fn envelopes() -> Vec<SeedEnvelope> {
    vec![SeedEnvelope {
        id: OPTION_PLAN_ENVELOPE_ID,
        subject: "Adopt the 2026 Stock Option Plan",
        document_ids: vec![OPTION_PLAN_DOC_ID],
        signers: vec![
            SeedSigner {
                id: OPTION_PLAN_JANE_SIGNER_ID,
                stakeholder_id: JANE_STAKEHOLDER_ID,
                order: 1,
            },
            SeedSigner {
                id: OPTION_PLAN_SAM_SIGNER_ID,
                stakeholder_id: SAM_STAKEHOLDER_ID,
                order: 2,
            },
        ],
    }]
}

/// The line every disclosure packet and every seeded PDF carries: the sandbox gives no advice.
pub const NOT_LEGAL_ADVICE: &str = "This summary is not legal, tax or securities advice. Matter is software, not a law firm; read the document itself and ask your own lawyer if anything is unclear.";

/// The line every seeded PDF carries, as test-mode PDFs do.
pub const TEST_MODE_LINE: &str =
    "[TEST MODE] Sandbox document: not filed, not binding, for testing only.";

/// Every seeded document.
pub fn documents() -> Vec<SeedDocument> {
    vec![
        SeedDocument {
            id: BOARD_CONSENT_DOC_ID,
            title: "Action by Unanimous Written Consent of the Board of Directors",
            signer_stakeholder_id: Some(JANE_STAKEHOLDER_ID),
            envelope_id: None,
            body: vec![
                "ACME ROBOTICS, INC. (a Delaware corporation)",
                "ACTION BY UNANIMOUS WRITTEN CONSENT OF THE BOARD OF DIRECTORS",
                "",
                "The undersigned, being all of the directors of Acme Robotics, Inc. (the \"Company\"), acting under Section 141(f) of the Delaware General Corporation Law, adopt the following resolutions by written consent without a meeting:",
                "",
                "1. Issuance of Common Stock. RESOLVED, that the Company issue 4,000,000 shares of Common Stock, par value $0.00001 per share, to Jane Q. Founder at a price of $0.00001 per share, paid in cash and by assignment of technology, and that the shares are fully paid and non-assessable upon receipt of the consideration.",
                "2. Bank Account. RESOLVED, that the officers may open a deposit account in the Company's name with a federally insured bank, and that the bank's standard form resolutions are adopted.",
                "3. Officers. RESOLVED, that Jane Q. Founder is appointed Chief Executive Officer, President and Secretary, to serve until a successor is appointed.",
                "4. General Authority. RESOLVED, that the officers may sign any document and take any action needed to carry out these resolutions.",
                "",
                "This consent may be signed electronically and in counterparts, and takes effect when signed by all directors.",
                "",
                "Director: Jane Q. Founder",
            ],
            consequences: vec![
                "You approve, as a director of Acme Robotics, Inc., the issuance of 4,000,000 shares of Common Stock to Jane Q. Founder at $0.00001 per share.",
                "You authorise the officers to open a company bank account and adopt the bank's standard resolutions.",
                "You appoint Jane Q. Founder as Chief Executive Officer, President and Secretary.",
                "Your electronic signature has the same legal effect as a handwritten signature on this consent.",
            ],
            irreversible_effects: vec![
                "Once every director has signed, the resolutions take effect and the board's approval cannot be withdrawn by deleting the signature; undoing it needs a new board action.",
                "Shares issued under this consent stay issued unless the Company later repurchases or cancels them under a separate agreement.",
            ],
            ongoing_obligations: vec![
                "As a director you owe the Company duties of care and loyalty in overseeing these actions.",
                "The Company must record the share issuance in its stock ledger and keep this consent with the minutes of the board.",
            ],
        },
        SeedDocument {
            id: NDA_DOC_ID,
            title: "Mutual Non-Disclosure Agreement: Acme Robotics and Globex",
            signer_stakeholder_id: Some(JANE_STAKEHOLDER_ID),
            envelope_id: None,
            body: vec![
                "MUTUAL NON-DISCLOSURE AGREEMENT",
                "between Acme Robotics, Inc. (\"Acme\") and Globex Corporation (\"Globex\")",
                "",
                "1. Purpose. The parties wish to evaluate a possible supply relationship for robotic actuators (the \"Purpose\") and will exchange Confidential Information for that Purpose only.",
                "2. Confidential Information. Any non-public business, technical or financial information disclosed by one party to the other, in any form, that is marked confidential or would reasonably be understood to be confidential.",
                "3. Obligations. The receiving party will use Confidential Information only for the Purpose, protect it with at least reasonable care, and disclose it only to employees and advisers who need to know it and are bound by similar duties.",
                "4. Exclusions. Information that is public through no fault of the receiving party, already known to it, independently developed, or received from a third party without a duty of confidence.",
                "5. Term. This Agreement lasts two (2) years from signature; the confidentiality obligations survive for three (3) years after it ends, and indefinitely for trade secrets.",
                "6. Return or Destruction. On request, each party will return or destroy the other's Confidential Information.",
                "7. Governing Law. Delaware law governs this Agreement.",
                "",
                "Signed for Acme Robotics, Inc. by Jane Q. Founder, Chief Executive Officer",
            ],
            consequences: vec![
                "You bind Acme Robotics, Inc. to keep Globex's confidential information secret and to use it only to evaluate the actuator supply relationship.",
                "Globex takes on the same duties for Acme's confidential information.",
                "You confirm that you are authorised to sign for Acme Robotics, Inc. as its Chief Executive Officer.",
            ],
            irreversible_effects: vec![
                "Information disclosed under the agreement cannot be taken back; the duties attached to it continue even if the agreement ends early.",
            ],
            ongoing_obligations: vec![
                "Acme must protect Globex's confidential information for the two-year term and for three years afterwards, and indefinitely for trade secrets.",
                "Acme must return or destroy Globex's confidential information when Globex asks.",
                "Acme may share Globex's information only with people who need it for the evaluation and are bound by similar duties.",
            ],
        },
        SeedDocument {
            id: ELECTION_83B_DOC_ID,
            title: "Section 83(b) Election of Lee T. Employee",
            signer_stakeholder_id: Some(LEE_STAKEHOLDER_ID),
            envelope_id: None,
            body: vec![
                "ELECTION UNDER SECTION 83(b) OF THE INTERNAL REVENUE CODE",
                "",
                "The undersigned taxpayer elects under Section 83(b) of the Internal Revenue Code of 1986, as amended, to include in gross income for the current taxable year the amount described below:",
                "",
                "1. Taxpayer: Lee T. Employee. Taxpayer identification number: on file (sandbox placeholder).",
                "2. Property: 100,000 shares of Common Stock of Acme Robotics, Inc., a Delaware corporation.",
                "3. Date of transfer: April 1, 2026. Taxable year: calendar year 2026.",
                "4. Restrictions: the shares vest over four years with a one-year cliff and are subject to the Company's repurchase right on unvested shares.",
                "5. Fair market value at transfer: $0.0001 per share, $10.00 in total.",
                "6. Amount paid: $10.00. Amount included in gross income: $0.00.",
                "",
                "The taxpayer will file this election with the IRS within 30 days of the transfer and give a copy to the Company.",
                "",
                "Taxpayer: Lee T. Employee",
            ],
            consequences: vec![
                "You elect to be taxed now, in 2026, on the value of 100,000 restricted shares of Acme Robotics, Inc. at transfer ($10.00, which you paid, so $0.00 is added to your income).",
                "Later growth in the shares' value is not taxed as ordinary income when they vest; it is generally taxed as capital gain when you sell.",
                "If the shares are forfeited or repurchased before they vest, you cannot deduct the tax treatment you gave up.",
            ],
            irreversible_effects: vec![
                "An 83(b) election cannot be revoked without the IRS's consent, which is rarely given.",
                "The 30-day filing deadline cannot be extended: a late election is invalid.",
            ],
            ongoing_obligations: vec![
                "You must mail or file this election with the IRS within 30 days of April 1, 2026, and keep proof of filing.",
                "You must give a copy to Acme Robotics, Inc.",
                "You must report the election as your tax adviser directs for the 2026 tax year.",
            ],
        },
        SeedDocument {
            id: OPTION_PLAN_DOC_ID,
            title: "2026 Stock Option Plan",
            signer_stakeholder_id: None,
            envelope_id: Some(OPTION_PLAN_ENVELOPE_ID),
            body: vec![
                "ACME ROBOTICS, INC. 2026 STOCK OPTION PLAN",
                "",
                "1. Purpose. To attract and keep employees, directors and consultants by letting them acquire Common Stock of Acme Robotics, Inc. (the \"Company\").",
                "2. Shares Reserved. 1,500,000 shares of Common Stock are reserved for issuance under the Plan.",
                "3. Awards. The Board may grant incentive stock options and non-statutory stock options at an exercise price of at least the fair market value of the Common Stock on the grant date.",
                "4. Vesting. Unless the Board decides otherwise, options vest over four years with a one-year cliff.",
                "5. Term. The Plan ends ten (10) years after the Board adopts it; options expire no later than ten years after grant.",
                "6. Stockholder Approval. The Plan must be approved by the stockholders within twelve months of adoption for incentive stock options to qualify.",
                "",
                "Adopted by the Board of Directors. Signers in order: Jane Q. Founder, Sam R. Director.",
            ],
            consequences: vec![
                "You vote, as a director, to adopt the 2026 Stock Option Plan and reserve 1,500,000 shares of Common Stock for option grants.",
                "Future grants under the Plan will dilute existing stockholders when options are exercised.",
                "Directors sign in order: Jane Q. Founder first, then Sam R. Director; the Plan is adopted when both have signed.",
            ],
            irreversible_effects: vec![
                "Once the Plan is adopted and options are granted under it, those grants cannot be withdrawn by revoking this signature.",
            ],
            ongoing_obligations: vec![
                "The Company must seek stockholder approval within twelve months for incentive stock options to qualify.",
                "The Board must set exercise prices at or above fair market value, which in practice needs a current 409A valuation.",
            ],
        },
    ]
}

/// The ESRA (E-SIGN Act, 15 U.S.C. 7001(c)) disclosure a client shows before recording consent.
pub const ESRA_DISCLOSURE_VERSION: &str = "2026-04-01";
pub const ESRA_DISCLOSURE_TEXT: &str = "Consent to use electronic records and signatures. Acme Robotics, Inc. and Matter will give you documents, notices and disclosures about your relationship with the company electronically, and ask you to sign them electronically. Before you agree: (1) You may ask for a paper copy of any electronic record at no charge, by email or by postal mail, and we will send it within 30 days. (2) You may withdraw this consent at any time, at no charge, by telling the company in writing; withdrawing does not affect records signed before you withdrew. (3) This consent covers every document you are asked to sign electronically through Matter for this company until you withdraw it or the text of this disclosure changes. (4) To receive and keep electronic records you need a device with a current web browser or the Matter Signer app, a PDF reader, an email account, and storage or a printer to keep copies. (5) Tell the company if your email address changes. By consenting you confirm that you can access and keep electronic records in this way.";
