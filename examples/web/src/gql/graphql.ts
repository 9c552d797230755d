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

export type GovernmentIdInput = {
  /** Required for passport_card, permanant_resident_card and work_permit. */
  backImage?: KycFileInput | null | undefined;
  /** Issuing country, ISO 3166 alpha-2 (e.g. US). */
  country: string;
  frontImage: KycFileInput;
  type: GovernmentIdType;
};

/** Bond's government id types. passport_card, permanant_resident_card and work_permit need a backImage. */
export type GovernmentIdType =
  | 'drivers_license'
  | 'passport'
  | 'passport_card'
  | 'permanant_resident_card'
  | 'state_id'
  | 'visa'
  | 'work_permit';

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

/** The result of one of Bond's checks (Bond's own words). */
export type KycCheckResult =
  | 'failed'
  | 'passed';

/** A supporting document Bond can ask for (Bond's own names). */
export type KycDocumentType =
  | 'government_id'
  | 'proof_of_address'
  | 'social_security_card';

/** One file, base64-encoded (a data: URL prefix is accepted). .jpg/.jpeg, .png, .heic or .pdf; the content must match the extension; at most KYC_DOCUMENT_MAX_BYTES decoded (4 MiB by default). */
export type KycFileInput = {
  /** The file's bytes in standard base64 with padding. */
  contentBase64: string;
  /** The file's name, e.g. license-front.jpg; its extension must match the content. */
  fileName: string;
};

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

export type ProofOfAddressInput = {
  file: KycFileInput;
  type: ProofOfAddressType;
};

export type ProofOfAddressType =
  | 'property_tax_bill'
  | 'utility_bill';

export type SocialSecurityCardInput = {
  file: KycFileInput;
};

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

/** Exactly one of governmentId, proofOfAddress or socialSecurityCard: one document per call. */
export type UploadKycDocumentInput = {
  customerId: string | number;
  governmentId?: GovernmentIdInput | null | undefined;
  proofOfAddress?: ProofOfAddressInput | null | undefined;
  socialSecurityCard?: SocialSecurityCardInput | null | undefined;
};

export type WebCreateCustomerMutationVariables = Exact<{
  input: CreateCustomerInput;
}>;


export type WebCreateCustomerMutation = { createCustomer: { id: string, firstName: string, lastName: string, kycStatus: KycStatus, kycStatusAt: string | null, kycPassedAt: string | null, kycDocumentsRequired: Array<KycDocumentType>, kycIncorrectInformation: Array<string>, kycFailureReasons: { ofac: KycCheckResult | null, bureau: KycCheckResult | null, mobile: KycCheckResult | null, ip: KycCheckResult | null, email: KycCheckResult | null } | null } };

export type WebSubmitKycMutationVariables = Exact<{
  input: SubmitKycInput;
}>;


export type WebSubmitKycMutation = { submitKyc: { id: string, status: KycAttemptStatus, ssnLastFour: string } };

export type WebCustomerQueryVariables = Exact<{
  id: string | number;
}>;


export type WebCustomerQuery = { customer: { id: string, firstName: string, lastName: string, kycStatus: KycStatus, kycStatusAt: string | null, kycPassedAt: string | null, kycDocumentsRequired: Array<KycDocumentType>, kycIncorrectInformation: Array<string>, kycFailureReasons: { ofac: KycCheckResult | null, bureau: KycCheckResult | null, mobile: KycCheckResult | null, ip: KycCheckResult | null, email: KycCheckResult | null } | null } | null };

export type WebKycStatusSubscriptionVariables = Exact<{
  customerId: string | number;
}>;


export type WebKycStatusSubscription = { kycStatusChanged: { status: KycStatus, version: number, customer: { id: string, firstName: string, lastName: string, kycStatus: KycStatus, kycStatusAt: string | null, kycPassedAt: string | null, kycDocumentsRequired: Array<KycDocumentType>, kycIncorrectInformation: Array<string>, kycFailureReasons: { ofac: KycCheckResult | null, bureau: KycCheckResult | null, mobile: KycCheckResult | null, ip: KycCheckResult | null, email: KycCheckResult | null } | null } } };

export type WebUploadKycDocumentMutationVariables = Exact<{
  input: UploadKycDocumentInput;
}>;


export type WebUploadKycDocumentMutation = { uploadKycDocument: { document: KycDocumentType, customer: { id: string, firstName: string, lastName: string, kycStatus: KycStatus, kycStatusAt: string | null, kycPassedAt: string | null, kycDocumentsRequired: Array<KycDocumentType>, kycIncorrectInformation: Array<string>, kycFailureReasons: { ofac: KycCheckResult | null, bureau: KycCheckResult | null, mobile: KycCheckResult | null, ip: KycCheckResult | null, email: KycCheckResult | null } | null } } };

export type WebCustomerStatusFragment = { id: string, firstName: string, lastName: string, kycStatus: KycStatus, kycStatusAt: string | null, kycPassedAt: string | null, kycDocumentsRequired: Array<KycDocumentType>, kycIncorrectInformation: Array<string>, kycFailureReasons: { ofac: KycCheckResult | null, bureau: KycCheckResult | null, mobile: KycCheckResult | null, ip: KycCheckResult | null, email: KycCheckResult | null } | null };

export const WebCustomerStatusFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebCustomerStatus"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Customer"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"kycStatus"}},{"kind":"Field","name":{"kind":"Name","value":"kycStatusAt"}},{"kind":"Field","name":{"kind":"Name","value":"kycPassedAt"}},{"kind":"Field","name":{"kind":"Name","value":"kycDocumentsRequired"}},{"kind":"Field","name":{"kind":"Name","value":"kycIncorrectInformation"}},{"kind":"Field","name":{"kind":"Name","value":"kycFailureReasons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ofac"}},{"kind":"Field","name":{"kind":"Name","value":"bureau"}},{"kind":"Field","name":{"kind":"Name","value":"mobile"}},{"kind":"Field","name":{"kind":"Name","value":"ip"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]} as unknown as DocumentNode<WebCustomerStatusFragment, unknown>;
export const WebCreateCustomerDocument = {"__meta__":{"hash":"sha256:834a106af6f3bf2f5bc4d85ba03b5ab2c75b15703db861c154d4096604d80403"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"WebCreateCustomer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateCustomerInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createCustomer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"WebCustomerStatus"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebCustomerStatus"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Customer"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"kycStatus"}},{"kind":"Field","name":{"kind":"Name","value":"kycStatusAt"}},{"kind":"Field","name":{"kind":"Name","value":"kycPassedAt"}},{"kind":"Field","name":{"kind":"Name","value":"kycDocumentsRequired"}},{"kind":"Field","name":{"kind":"Name","value":"kycIncorrectInformation"}},{"kind":"Field","name":{"kind":"Name","value":"kycFailureReasons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ofac"}},{"kind":"Field","name":{"kind":"Name","value":"bureau"}},{"kind":"Field","name":{"kind":"Name","value":"mobile"}},{"kind":"Field","name":{"kind":"Name","value":"ip"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]} as unknown as DocumentNode<WebCreateCustomerMutation, WebCreateCustomerMutationVariables>;
export const WebSubmitKycDocument = {"__meta__":{"hash":"sha256:e785c5d9526189994666e38be61501e7543e1d468bd50a816e2da51e5af1d32b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"WebSubmitKyc"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SubmitKycInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"submitKyc"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"ssnLastFour"}}]}}]}}]} as unknown as DocumentNode<WebSubmitKycMutation, WebSubmitKycMutationVariables>;
export const WebCustomerDocument = {"__meta__":{"hash":"sha256:2bac450d6ee63f45ae206a7ece557ec54555202d7819f38b7c889dfa2ead0978"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WebCustomer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"WebCustomerStatus"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebCustomerStatus"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Customer"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"kycStatus"}},{"kind":"Field","name":{"kind":"Name","value":"kycStatusAt"}},{"kind":"Field","name":{"kind":"Name","value":"kycPassedAt"}},{"kind":"Field","name":{"kind":"Name","value":"kycDocumentsRequired"}},{"kind":"Field","name":{"kind":"Name","value":"kycIncorrectInformation"}},{"kind":"Field","name":{"kind":"Name","value":"kycFailureReasons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ofac"}},{"kind":"Field","name":{"kind":"Name","value":"bureau"}},{"kind":"Field","name":{"kind":"Name","value":"mobile"}},{"kind":"Field","name":{"kind":"Name","value":"ip"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]} as unknown as DocumentNode<WebCustomerQuery, WebCustomerQueryVariables>;
export const WebKycStatusDocument = {"__meta__":{"hash":"sha256:0cdb68929f398410d85671f9c57d807bd7720573382fb686e09c78923bb46641"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"WebKycStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kycStatusChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"customerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"customer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"WebCustomerStatus"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebCustomerStatus"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Customer"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"kycStatus"}},{"kind":"Field","name":{"kind":"Name","value":"kycStatusAt"}},{"kind":"Field","name":{"kind":"Name","value":"kycPassedAt"}},{"kind":"Field","name":{"kind":"Name","value":"kycDocumentsRequired"}},{"kind":"Field","name":{"kind":"Name","value":"kycIncorrectInformation"}},{"kind":"Field","name":{"kind":"Name","value":"kycFailureReasons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ofac"}},{"kind":"Field","name":{"kind":"Name","value":"bureau"}},{"kind":"Field","name":{"kind":"Name","value":"mobile"}},{"kind":"Field","name":{"kind":"Name","value":"ip"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]} as unknown as DocumentNode<WebKycStatusSubscription, WebKycStatusSubscriptionVariables>;
export const WebUploadKycDocumentDocument = {"__meta__":{"hash":"sha256:ceb4d56d23071c827f51a84612a89ac94d0aad311d86856d76897a2a76e8a6e0"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"WebUploadKycDocument"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UploadKycDocumentInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uploadKycDocument"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"document"}},{"kind":"Field","name":{"kind":"Name","value":"customer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"WebCustomerStatus"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebCustomerStatus"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Customer"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"kycStatus"}},{"kind":"Field","name":{"kind":"Name","value":"kycStatusAt"}},{"kind":"Field","name":{"kind":"Name","value":"kycPassedAt"}},{"kind":"Field","name":{"kind":"Name","value":"kycDocumentsRequired"}},{"kind":"Field","name":{"kind":"Name","value":"kycIncorrectInformation"}},{"kind":"Field","name":{"kind":"Name","value":"kycFailureReasons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ofac"}},{"kind":"Field","name":{"kind":"Name","value":"bureau"}},{"kind":"Field","name":{"kind":"Name","value":"mobile"}},{"kind":"Field","name":{"kind":"Name","value":"ip"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]} as unknown as DocumentNode<WebUploadKycDocumentMutation, WebUploadKycDocumentMutationVariables>;