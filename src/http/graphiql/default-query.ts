/** What GraphiQL's first tab shows: the KYC flow, step by step, with the operations to run. */
export const DEFAULT_QUERY = `# kyc-graphql: GraphiQL served by this server (works offline)
#
# The KYC flow. Pick an operation with the ▶ button, or put
# the cursor in one and press Ctrl-Enter.
#
# 1. CreateCustomer: creates the customer at Bond. Put its id
#    in Variables (below): { "customerId": "<id>" }
# 2. KycStatus: subscribes to kycStatusChanged over a
#    WebSocket: the current status, then each change. Run it
#    in a second browser tab to watch while you go on.
# 3. SubmitKyc: sends the KYC data. Bond verifies it
#    asynchronously: SUBMITTED at once, then the outcome
#    (PASSED, FAILED, …) arrives on the subscription.
# 4. Customer: the status and KYC attempts, at any time.

mutation CreateCustomer {
  createCustomer(input: {
    firstName: "Jane", lastName: "Doe", dob: "1990-05-17",
    email: "jane@example.com",
    phone: "555-111-2222", phoneCountryCode: "1",
    addresses: [{
      addressType: PHYSICAL, street: "1 Main St",
      city: "Austin", state: "TX", zipCode: "78701",
      isPrimary: true
    }]
  }) {
    id
    kycStatus
  }
}

subscription KycStatus($customerId: ID!) {
  kycStatusChanged(customerId: $customerId) {
    status
    previousStatus
    event
    occurredAt
    version
  }
}

mutation SubmitKyc($customerId: ID!) {
  submitKyc(input: {
    customerId: $customerId,
    programId: "b50063df-0b39-43f7-9458-25b08a75d42a",
    ssn: "123-45-6789", phone: "555-555-5555",
    phoneCountryCode: "1", email: "jane@example.com",
    ip: "127.1.1.1", idempotencyKey: "signup-jane-1"
  }) {
    id
    status
    ssnLastFour
  }
}

query Customer($customerId: ID!) {
  customer(id: $customerId) {
    kycStatus
    kycStatusAt
    kycPassedAt
    kycDocumentsRequired
    kycAttempts { status ssnLastFour createdAt }
  }
}
`;
