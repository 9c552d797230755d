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
    "mutation WebCreateCustomer($input: CreateCustomerInput!) {\n  createCustomer(input: $input) {\n    ...WebCustomerStatus\n  }\n}\n\nmutation WebSubmitKyc($input: SubmitKycInput!) {\n  submitKyc(input: $input) {\n    id\n    status\n    ssnLastFour\n  }\n}\n\nquery WebCustomer($id: ID!) {\n  customer(id: $id) {\n    ...WebCustomerStatus\n  }\n}\n\nsubscription WebKycStatus($customerId: ID!) {\n  kycStatusChanged(customerId: $customerId) {\n    status\n    version\n    customer {\n      ...WebCustomerStatus\n    }\n  }\n}\n\nmutation WebUploadKycDocument($input: UploadKycDocumentInput!) {\n  uploadKycDocument(input: $input) {\n    document\n    customer {\n      ...WebCustomerStatus\n    }\n  }\n}\n\nfragment WebCustomerStatus on Customer {\n  id\n  firstName\n  lastName\n  kycStatus\n  kycStatusAt\n  kycPassedAt\n  kycDocumentsRequired\n  kycIncorrectInformation\n  kycFailureReasons {\n    ofac\n    bureau\n    mobile\n    ip\n    email\n  }\n}": typeof types.WebCreateCustomerDocument,
};
const documents: Documents = {
    "mutation WebCreateCustomer($input: CreateCustomerInput!) {\n  createCustomer(input: $input) {\n    ...WebCustomerStatus\n  }\n}\n\nmutation WebSubmitKyc($input: SubmitKycInput!) {\n  submitKyc(input: $input) {\n    id\n    status\n    ssnLastFour\n  }\n}\n\nquery WebCustomer($id: ID!) {\n  customer(id: $id) {\n    ...WebCustomerStatus\n  }\n}\n\nsubscription WebKycStatus($customerId: ID!) {\n  kycStatusChanged(customerId: $customerId) {\n    status\n    version\n    customer {\n      ...WebCustomerStatus\n    }\n  }\n}\n\nmutation WebUploadKycDocument($input: UploadKycDocumentInput!) {\n  uploadKycDocument(input: $input) {\n    document\n    customer {\n      ...WebCustomerStatus\n    }\n  }\n}\n\nfragment WebCustomerStatus on Customer {\n  id\n  firstName\n  lastName\n  kycStatus\n  kycStatusAt\n  kycPassedAt\n  kycDocumentsRequired\n  kycIncorrectInformation\n  kycFailureReasons {\n    ofac\n    bureau\n    mobile\n    ip\n    email\n  }\n}": types.WebCreateCustomerDocument,
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
export function graphql(source: "mutation WebCreateCustomer($input: CreateCustomerInput!) {\n  createCustomer(input: $input) {\n    ...WebCustomerStatus\n  }\n}\n\nmutation WebSubmitKyc($input: SubmitKycInput!) {\n  submitKyc(input: $input) {\n    id\n    status\n    ssnLastFour\n  }\n}\n\nquery WebCustomer($id: ID!) {\n  customer(id: $id) {\n    ...WebCustomerStatus\n  }\n}\n\nsubscription WebKycStatus($customerId: ID!) {\n  kycStatusChanged(customerId: $customerId) {\n    status\n    version\n    customer {\n      ...WebCustomerStatus\n    }\n  }\n}\n\nmutation WebUploadKycDocument($input: UploadKycDocumentInput!) {\n  uploadKycDocument(input: $input) {\n    document\n    customer {\n      ...WebCustomerStatus\n    }\n  }\n}\n\nfragment WebCustomerStatus on Customer {\n  id\n  firstName\n  lastName\n  kycStatus\n  kycStatusAt\n  kycPassedAt\n  kycDocumentsRequired\n  kycIncorrectInformation\n  kycFailureReasons {\n    ofac\n    bureau\n    mobile\n    ip\n    email\n  }\n}"): (typeof documents)["mutation WebCreateCustomer($input: CreateCustomerInput!) {\n  createCustomer(input: $input) {\n    ...WebCustomerStatus\n  }\n}\n\nmutation WebSubmitKyc($input: SubmitKycInput!) {\n  submitKyc(input: $input) {\n    id\n    status\n    ssnLastFour\n  }\n}\n\nquery WebCustomer($id: ID!) {\n  customer(id: $id) {\n    ...WebCustomerStatus\n  }\n}\n\nsubscription WebKycStatus($customerId: ID!) {\n  kycStatusChanged(customerId: $customerId) {\n    status\n    version\n    customer {\n      ...WebCustomerStatus\n    }\n  }\n}\n\nmutation WebUploadKycDocument($input: UploadKycDocumentInput!) {\n  uploadKycDocument(input: $input) {\n    document\n    customer {\n      ...WebCustomerStatus\n    }\n  }\n}\n\nfragment WebCustomerStatus on Customer {\n  id\n  firstName\n  lastName\n  kycStatus\n  kycStatusAt\n  kycPassedAt\n  kycDocumentsRequired\n  kycIncorrectInformation\n  kycFailureReasons {\n    ofac\n    bureau\n    mobile\n    ip\n    email\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;