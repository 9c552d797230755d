/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type AddressInput = {
  addressType: AddressType;
  city: string;
  country?: string;
  /** Exactly one address must be primary. Absent: true for a lone address, false when there are several. */
  isPrimary?: boolean | null | undefined;
  state: string;
  street: string;
  street2?: string | null | undefined;
  zipCode: string;
};

export type AddressType =
  | 'MAILING'
  | 'PHYSICAL';

export type CreateCustomerInput = {
  addresses?: Array<AddressInput> | null | undefined;
  /** YYYY-MM-DD */
  dob: string;
  email?: string | null | undefined;
  firstName: string;
  lastName: string;
  middleName?: string | null | undefined;
  phone?: string | null | undefined;
  phoneCountryCode?: string | null | undefined;
};

/** Where one KYC attempt stands: PENDING until Bond answers, NOT_SENT if Bond was unreachable (safe to retry with the same idempotency key), REJECTED if Bond refused it, then the customer's status while it is the latest accepted attempt. */
export type KycAttemptStatus =
  | 'DOCUMENT_REQUIRED'
  | 'ERROR'
  | 'FAILED'
  | 'NOT_SENT'
  | 'PASSED'
  | 'PENDING'
  | 'REENTER_INFORMATION'
  | 'REJECTED'
  | 'SUBMITTED'
  | 'TIMEOUT'
  | 'UNDER_REVIEW';

/** A supporting document Bond can ask for (Bond's own names). */
export type KycDocumentType =
  | 'government_id'
  | 'proof_of_address'
  | 'social_security_card';

/** Where a customer's KYC stands (see the README's status table for what each means and what to do next). */
export type KycStatus =
  | 'DOCUMENT_REQUIRED'
  | 'ERROR'
  | 'FAILED'
  | 'NOT_STARTED'
  | 'PASSED'
  | 'REENTER_INFORMATION'
  | 'SUBMITTED'
  | 'TIMEOUT'
  | 'UNDER_REVIEW';

export type SubmitKycInput = {
  customerId: string | number;
  email: string;
  /** Same key + same input within 24 h returns the first attempt without calling Bond again; same key + other input is refused. */
  idempotencyKey?: string | null | undefined;
  /** The customer's IP address (v4 or v6). */
  ip: string;
  /** Digits and dashes. */
  phone: string;
  /** 1 to 3 digits, e.g. 1. */
  phoneCountryCode: string;
  /** Bond program (bank partnership) id. */
  programId: string | number;
  /** ######### or ###-##-####. Never stored in clear, logged or returned. */
  ssn: string;
};

export type ExampleCreateCustomerMutationVariables = Exact<{
  input: CreateCustomerInput;
}>;


export type ExampleCreateCustomerMutation = { createCustomer: { id: string, kycStatus: KycStatus } };

export type ExampleSubmitKycMutationVariables = Exact<{
  input: SubmitKycInput;
}>;


export type ExampleSubmitKycMutation = { submitKyc: { id: string, status: KycAttemptStatus, ssnLastFour: string } };

export type ExampleKycStatusSubscriptionVariables = Exact<{
  customerId: string | number;
  afterVersion?: number | null | undefined;
}>;


export type ExampleKycStatusSubscription = { kycStatusChanged: { status: KycStatus, previousStatus: KycStatus | null, event: string | null, occurredAt: string, version: number } };

export type ExampleCustomerQueryVariables = Exact<{
  id: string | number;
}>;


export type ExampleCustomerQuery = { customer: { kycStatus: KycStatus, kycPassedAt: string | null, kycDocumentsRequired: Array<KycDocumentType> } | null };


export const ExampleCreateCustomerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ExampleCreateCustomer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateCustomerInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createCustomer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kycStatus"}}]}}]}}]} as unknown as DocumentNode<ExampleCreateCustomerMutation, ExampleCreateCustomerMutationVariables>;
export const ExampleSubmitKycDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ExampleSubmitKyc"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SubmitKycInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"submitKyc"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"ssnLastFour"}}]}}]}}]} as unknown as DocumentNode<ExampleSubmitKycMutation, ExampleSubmitKycMutationVariables>;
export const ExampleKycStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ExampleKycStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"afterVersion"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kycStatusChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"customerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}}},{"kind":"Argument","name":{"kind":"Name","value":"afterVersion"},"value":{"kind":"Variable","name":{"kind":"Name","value":"afterVersion"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"previousStatus"}},{"kind":"Field","name":{"kind":"Name","value":"event"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]} as unknown as DocumentNode<ExampleKycStatusSubscription, ExampleKycStatusSubscriptionVariables>;
export const ExampleCustomerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ExampleCustomer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kycStatus"}},{"kind":"Field","name":{"kind":"Name","value":"kycPassedAt"}},{"kind":"Field","name":{"kind":"Name","value":"kycDocumentsRequired"}}]}}]}}]} as unknown as DocumentNode<ExampleCustomerQuery, ExampleCustomerQueryVariables>;