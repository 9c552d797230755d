/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation CreateCustomer($input: CreateCustomerInput!) {\n  createCustomer(input: $input) {\n    id\n    firstName\n    middleName\n    lastName\n    dob\n    email\n    phone\n    phoneCountryCode\n    addresses {\n      addressType\n      street\n      city\n      state\n      zipCode\n      country\n      isPrimary\n    }\n    kycStatus\n    kycPassedAt\n    createdAt\n  }\n}\n\nmutation UpdateCustomer($id: ID!, $input: UpdateCustomerInput!) {\n  updateCustomer(id: $id, input: $input) {\n    id\n    firstName\n    lastName\n    email\n    kycStatus\n    updatedAt\n  }\n}\n\nquery Customer($id: ID!) {\n  customer(id: $id) {\n    id\n    firstName\n    lastName\n    kycStatus\n    kycStatusAt\n    kycPassedAt\n    kycPassedProgramId\n    kycDocumentsRequired\n    kycFailureReasons {\n      ofac\n      bureau\n      mobile\n      ip\n      email\n    }\n    kycIncorrectInformation\n    kycAttempts {\n      id\n      programId\n      status\n      ssnLastFour\n      idempotencyKey\n      rejectionCode\n      createdAt\n      sentAt\n      updatedAt\n    }\n  }\n}": typeof types.CreateCustomerDocument,
    "mutation UploadKycDocument($input: UploadKycDocumentInput!) {\n  uploadKycDocument(input: $input) {\n    customerId\n    document\n    numDocumentsSubmitted\n    customer {\n      id\n      kycStatus\n      kycDocumentsRequired\n    }\n  }\n}": typeof types.UploadKycDocumentDocument,
    "mutation SubmitKyc($input: SubmitKycInput!) {\n  submitKyc(input: $input) {\n    id\n    customerId\n    programId\n    status\n    ssnLastFour\n    idempotencyKey\n    createdAt\n    sentAt\n  }\n}\n\nsubscription KycStatusChanged($customerId: ID!) {\n  kycStatusChanged(customerId: $customerId) {\n    customerId\n    status\n    previousStatus\n    occurredAt\n    event\n    version\n  }\n}": typeof types.SubmitKycDocument,
    "query Customers($filter: CustomerFilter, $first: Int, $after: String) {\n  customers(filter: $filter, first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        id\n        kycStatus\n        createdAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery KycEvents($customerId: ID!) {\n  kycEvents(customerId: $customerId) {\n    id\n    customerId\n    event\n    occurredAt\n    receivedAt\n    outcome\n    statusAfter\n    documents\n    failureReasons {\n      ofac\n      bureau\n      mobile\n      ip\n      email\n    }\n    incorrectInformation\n  }\n}": typeof types.CustomersDocument,
};
const documents: Documents = {
    "mutation CreateCustomer($input: CreateCustomerInput!) {\n  createCustomer(input: $input) {\n    id\n    firstName\n    middleName\n    lastName\n    dob\n    email\n    phone\n    phoneCountryCode\n    addresses {\n      addressType\n      street\n      city\n      state\n      zipCode\n      country\n      isPrimary\n    }\n    kycStatus\n    kycPassedAt\n    createdAt\n  }\n}\n\nmutation UpdateCustomer($id: ID!, $input: UpdateCustomerInput!) {\n  updateCustomer(id: $id, input: $input) {\n    id\n    firstName\n    lastName\n    email\n    kycStatus\n    updatedAt\n  }\n}\n\nquery Customer($id: ID!) {\n  customer(id: $id) {\n    id\n    firstName\n    lastName\n    kycStatus\n    kycStatusAt\n    kycPassedAt\n    kycPassedProgramId\n    kycDocumentsRequired\n    kycFailureReasons {\n      ofac\n      bureau\n      mobile\n      ip\n      email\n    }\n    kycIncorrectInformation\n    kycAttempts {\n      id\n      programId\n      status\n      ssnLastFour\n      idempotencyKey\n      rejectionCode\n      createdAt\n      sentAt\n      updatedAt\n    }\n  }\n}": types.CreateCustomerDocument,
    "mutation UploadKycDocument($input: UploadKycDocumentInput!) {\n  uploadKycDocument(input: $input) {\n    customerId\n    document\n    numDocumentsSubmitted\n    customer {\n      id\n      kycStatus\n      kycDocumentsRequired\n    }\n  }\n}": types.UploadKycDocumentDocument,
    "mutation SubmitKyc($input: SubmitKycInput!) {\n  submitKyc(input: $input) {\n    id\n    customerId\n    programId\n    status\n    ssnLastFour\n    idempotencyKey\n    createdAt\n    sentAt\n  }\n}\n\nsubscription KycStatusChanged($customerId: ID!) {\n  kycStatusChanged(customerId: $customerId) {\n    customerId\n    status\n    previousStatus\n    occurredAt\n    event\n    version\n  }\n}": types.SubmitKycDocument,
    "query Customers($filter: CustomerFilter, $first: Int, $after: String) {\n  customers(filter: $filter, first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        id\n        kycStatus\n        createdAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery KycEvents($customerId: ID!) {\n  kycEvents(customerId: $customerId) {\n    id\n    customerId\n    event\n    occurredAt\n    receivedAt\n    outcome\n    statusAfter\n    documents\n    failureReasons {\n      ofac\n      bureau\n      mobile\n      ip\n      email\n    }\n    incorrectInformation\n  }\n}": types.CustomersDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateCustomer($input: CreateCustomerInput!) {\n  createCustomer(input: $input) {\n    id\n    firstName\n    middleName\n    lastName\n    dob\n    email\n    phone\n    phoneCountryCode\n    addresses {\n      addressType\n      street\n      city\n      state\n      zipCode\n      country\n      isPrimary\n    }\n    kycStatus\n    kycPassedAt\n    createdAt\n  }\n}\n\nmutation UpdateCustomer($id: ID!, $input: UpdateCustomerInput!) {\n  updateCustomer(id: $id, input: $input) {\n    id\n    firstName\n    lastName\n    email\n    kycStatus\n    updatedAt\n  }\n}\n\nquery Customer($id: ID!) {\n  customer(id: $id) {\n    id\n    firstName\n    lastName\n    kycStatus\n    kycStatusAt\n    kycPassedAt\n    kycPassedProgramId\n    kycDocumentsRequired\n    kycFailureReasons {\n      ofac\n      bureau\n      mobile\n      ip\n      email\n    }\n    kycIncorrectInformation\n    kycAttempts {\n      id\n      programId\n      status\n      ssnLastFour\n      idempotencyKey\n      rejectionCode\n      createdAt\n      sentAt\n      updatedAt\n    }\n  }\n}"): (typeof documents)["mutation CreateCustomer($input: CreateCustomerInput!) {\n  createCustomer(input: $input) {\n    id\n    firstName\n    middleName\n    lastName\n    dob\n    email\n    phone\n    phoneCountryCode\n    addresses {\n      addressType\n      street\n      city\n      state\n      zipCode\n      country\n      isPrimary\n    }\n    kycStatus\n    kycPassedAt\n    createdAt\n  }\n}\n\nmutation UpdateCustomer($id: ID!, $input: UpdateCustomerInput!) {\n  updateCustomer(id: $id, input: $input) {\n    id\n    firstName\n    lastName\n    email\n    kycStatus\n    updatedAt\n  }\n}\n\nquery Customer($id: ID!) {\n  customer(id: $id) {\n    id\n    firstName\n    lastName\n    kycStatus\n    kycStatusAt\n    kycPassedAt\n    kycPassedProgramId\n    kycDocumentsRequired\n    kycFailureReasons {\n      ofac\n      bureau\n      mobile\n      ip\n      email\n    }\n    kycIncorrectInformation\n    kycAttempts {\n      id\n      programId\n      status\n      ssnLastFour\n      idempotencyKey\n      rejectionCode\n      createdAt\n      sentAt\n      updatedAt\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation UploadKycDocument($input: UploadKycDocumentInput!) {\n  uploadKycDocument(input: $input) {\n    customerId\n    document\n    numDocumentsSubmitted\n    customer {\n      id\n      kycStatus\n      kycDocumentsRequired\n    }\n  }\n}"): (typeof documents)["mutation UploadKycDocument($input: UploadKycDocumentInput!) {\n  uploadKycDocument(input: $input) {\n    customerId\n    document\n    numDocumentsSubmitted\n    customer {\n      id\n      kycStatus\n      kycDocumentsRequired\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SubmitKyc($input: SubmitKycInput!) {\n  submitKyc(input: $input) {\n    id\n    customerId\n    programId\n    status\n    ssnLastFour\n    idempotencyKey\n    createdAt\n    sentAt\n  }\n}\n\nsubscription KycStatusChanged($customerId: ID!) {\n  kycStatusChanged(customerId: $customerId) {\n    customerId\n    status\n    previousStatus\n    occurredAt\n    event\n    version\n  }\n}"): (typeof documents)["mutation SubmitKyc($input: SubmitKycInput!) {\n  submitKyc(input: $input) {\n    id\n    customerId\n    programId\n    status\n    ssnLastFour\n    idempotencyKey\n    createdAt\n    sentAt\n  }\n}\n\nsubscription KycStatusChanged($customerId: ID!) {\n  kycStatusChanged(customerId: $customerId) {\n    customerId\n    status\n    previousStatus\n    occurredAt\n    event\n    version\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Customers($filter: CustomerFilter, $first: Int, $after: String) {\n  customers(filter: $filter, first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        id\n        kycStatus\n        createdAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery KycEvents($customerId: ID!) {\n  kycEvents(customerId: $customerId) {\n    id\n    customerId\n    event\n    occurredAt\n    receivedAt\n    outcome\n    statusAfter\n    documents\n    failureReasons {\n      ofac\n      bureau\n      mobile\n      ip\n      email\n    }\n    incorrectInformation\n  }\n}"): (typeof documents)["query Customers($filter: CustomerFilter, $first: Int, $after: String) {\n  customers(filter: $filter, first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        id\n        kycStatus\n        createdAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery KycEvents($customerId: ID!) {\n  kycEvents(customerId: $customerId) {\n    id\n    customerId\n    event\n    occurredAt\n    receivedAt\n    outcome\n    statusAfter\n    documents\n    failureReasons {\n      ofac\n      bureau\n      mobile\n      ip\n      email\n    }\n    incorrectInformation\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;