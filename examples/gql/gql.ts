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
    "mutation ExampleCreateCustomer($input: CreateCustomerInput!) {\n  createCustomer(input: $input) {\n    id\n    kycStatus\n  }\n}\n\nmutation ExampleSubmitKyc($input: SubmitKycInput!) {\n  submitKyc(input: $input) {\n    id\n    status\n    ssnLastFour\n  }\n}\n\nsubscription ExampleKycStatus($customerId: ID!, $afterVersion: Int) {\n  kycStatusChanged(customerId: $customerId, afterVersion: $afterVersion) {\n    status\n    previousStatus\n    event\n    occurredAt\n    version\n  }\n}\n\nquery ExampleCustomer($id: ID!) {\n  customer(id: $id) {\n    kycStatus\n    kycPassedAt\n    kycDocumentsRequired\n  }\n}": typeof types.ExampleCreateCustomerDocument,
};
const documents: Documents = {
    "mutation ExampleCreateCustomer($input: CreateCustomerInput!) {\n  createCustomer(input: $input) {\n    id\n    kycStatus\n  }\n}\n\nmutation ExampleSubmitKyc($input: SubmitKycInput!) {\n  submitKyc(input: $input) {\n    id\n    status\n    ssnLastFour\n  }\n}\n\nsubscription ExampleKycStatus($customerId: ID!, $afterVersion: Int) {\n  kycStatusChanged(customerId: $customerId, afterVersion: $afterVersion) {\n    status\n    previousStatus\n    event\n    occurredAt\n    version\n  }\n}\n\nquery ExampleCustomer($id: ID!) {\n  customer(id: $id) {\n    kycStatus\n    kycPassedAt\n    kycDocumentsRequired\n  }\n}": types.ExampleCreateCustomerDocument,
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
export function graphql(source: "mutation ExampleCreateCustomer($input: CreateCustomerInput!) {\n  createCustomer(input: $input) {\n    id\n    kycStatus\n  }\n}\n\nmutation ExampleSubmitKyc($input: SubmitKycInput!) {\n  submitKyc(input: $input) {\n    id\n    status\n    ssnLastFour\n  }\n}\n\nsubscription ExampleKycStatus($customerId: ID!, $afterVersion: Int) {\n  kycStatusChanged(customerId: $customerId, afterVersion: $afterVersion) {\n    status\n    previousStatus\n    event\n    occurredAt\n    version\n  }\n}\n\nquery ExampleCustomer($id: ID!) {\n  customer(id: $id) {\n    kycStatus\n    kycPassedAt\n    kycDocumentsRequired\n  }\n}"): (typeof documents)["mutation ExampleCreateCustomer($input: CreateCustomerInput!) {\n  createCustomer(input: $input) {\n    id\n    kycStatus\n  }\n}\n\nmutation ExampleSubmitKyc($input: SubmitKycInput!) {\n  submitKyc(input: $input) {\n    id\n    status\n    ssnLastFour\n  }\n}\n\nsubscription ExampleKycStatus($customerId: ID!, $afterVersion: Int) {\n  kycStatusChanged(customerId: $customerId, afterVersion: $afterVersion) {\n    status\n    previousStatus\n    event\n    occurredAt\n    version\n  }\n}\n\nquery ExampleCustomer($id: ID!) {\n  customer(id: $id) {\n    kycStatus\n    kycPassedAt\n    kycDocumentsRequired\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;