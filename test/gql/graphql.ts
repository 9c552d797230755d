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

/** All given conditions must hold. */
export type CustomerFilter = {
  /** Customers created strictly after this instant. */
  createdAfter?: string | null | undefined;
  kycStatus?: KycStatus | null | undefined;
  /** Customers with at least one KYC attempt for this Bond program. */
  programId?: string | number | null | undefined;
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

/** Only the fields given are changed. */
export type UpdateCustomerInput = {
  addresses?: Array<AddressInput> | null | undefined;
  dob?: string | null | undefined;
  email?: string | null | undefined;
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
  middleName?: string | null | undefined;
  phone?: string | null | undefined;
  phoneCountryCode?: string | null | undefined;
};

/** Exactly one of governmentId, proofOfAddress or socialSecurityCard: one document per call. */
export type UploadKycDocumentInput = {
  customerId: string | number;
  governmentId?: GovernmentIdInput | null | undefined;
  proofOfAddress?: ProofOfAddressInput | null | undefined;
  socialSecurityCard?: SocialSecurityCardInput | null | undefined;
};

export type CreateCustomerMutationVariables = Exact<{
  input: CreateCustomerInput;
}>;


export type CreateCustomerMutation = { createCustomer: { id: string, firstName: string, middleName: string | null, lastName: string, dob: string, email: string | null, phone: string | null, phoneCountryCode: string | null, kycStatus: KycStatus, kycPassedAt: string | null, createdAt: string, addresses: Array<{ addressType: AddressType, street: string, city: string, state: string, zipCode: string, country: string, isPrimary: boolean }> } };

export type UpdateCustomerMutationVariables = Exact<{
  id: string | number;
  input: UpdateCustomerInput;
}>;


export type UpdateCustomerMutation = { updateCustomer: { id: string, firstName: string, lastName: string, email: string | null, kycStatus: KycStatus, updatedAt: string } };

export type CustomerQueryVariables = Exact<{
  id: string | number;
}>;


export type CustomerQuery = { customer: { id: string, firstName: string, lastName: string, kycStatus: KycStatus, kycStatusAt: string | null, kycPassedAt: string | null, kycPassedProgramId: string | null, kycDocumentsRequired: Array<KycDocumentType>, kycIncorrectInformation: Array<string>, kycFailureReasons: { ofac: KycCheckResult | null, bureau: KycCheckResult | null, mobile: KycCheckResult | null, ip: KycCheckResult | null, email: KycCheckResult | null } | null, kycAttempts: Array<{ id: string, programId: string, status: KycAttemptStatus, ssnLastFour: string, idempotencyKey: string | null, rejectionCode: string | null, createdAt: string, sentAt: string | null, updatedAt: string }> } | null };

export type UploadKycDocumentMutationVariables = Exact<{
  input: UploadKycDocumentInput;
}>;


export type UploadKycDocumentMutation = { uploadKycDocument: { customerId: string, document: KycDocumentType, numDocumentsSubmitted: number | null, customer: { id: string, kycStatus: KycStatus, kycDocumentsRequired: Array<KycDocumentType> } } };

export type SubmitKycMutationVariables = Exact<{
  input: SubmitKycInput;
}>;


export type SubmitKycMutation = { submitKyc: { id: string, customerId: string, programId: string, status: KycAttemptStatus, ssnLastFour: string, idempotencyKey: string | null, createdAt: string, sentAt: string | null } };

export type KycStatusChangedSubscriptionVariables = Exact<{
  customerId: string | number;
}>;


export type KycStatusChangedSubscription = { kycStatusChanged: { customerId: string, status: KycStatus, previousStatus: KycStatus | null, occurredAt: string, event: string | null, version: number } };

export type CustomerKycStatusQueryVariables = Exact<{
  id: string | number;
}>;


export type CustomerKycStatusQuery = { customer: { id: string, kycStatus: KycStatus, kycStatusAt: string | null, kycDocumentsRequired: Array<KycDocumentType> } | null };

export type KycStatusWithCustomerSubscriptionVariables = Exact<{
  customerId: string | number;
}>;


export type KycStatusWithCustomerSubscription = { kycStatusChanged: { status: KycStatus, version: number, customer: { id: string, kycStatus: KycStatus, kycStatusAt: string | null, kycDocumentsRequired: Array<KycDocumentType> } } };

export type KycStatusResumedSubscriptionVariables = Exact<{
  customerId: string | number;
  afterVersion: number;
}>;


export type KycStatusResumedSubscription = { kycStatusChanged: { customerId: string, status: KycStatus, previousStatus: KycStatus | null, occurredAt: string, event: string | null, version: number } };

export type CustomersQueryVariables = Exact<{
  filter?: CustomerFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type CustomersQuery = { customers: { edges: Array<{ cursor: string, node: { id: string, kycStatus: KycStatus, createdAt: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type KycEventsQueryVariables = Exact<{
  customerId: string | number;
}>;


export type KycEventsQuery = { kycEvents: Array<{ id: string, customerId: string, event: string, occurredAt: string | null, receivedAt: string, outcome: string, statusAfter: KycStatus, documents: Array<KycDocumentType>, incorrectInformation: Array<string>, failureReasons: { ofac: KycCheckResult | null, bureau: KycCheckResult | null, mobile: KycCheckResult | null, ip: KycCheckResult | null, email: KycCheckResult | null } | null }> };


export const CreateCustomerDocument = {"__meta__":{"hash":"sha256:96262945878efe95823a1eb2da5f1ff212877755ea0669adc910a29f2fe8708f"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateCustomer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateCustomerInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createCustomer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"middleName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"dob"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}},{"kind":"Field","name":{"kind":"Name","value":"phoneCountryCode"}},{"kind":"Field","name":{"kind":"Name","value":"addresses"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addressType"}},{"kind":"Field","name":{"kind":"Name","value":"street"}},{"kind":"Field","name":{"kind":"Name","value":"city"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"zipCode"}},{"kind":"Field","name":{"kind":"Name","value":"country"}},{"kind":"Field","name":{"kind":"Name","value":"isPrimary"}}]}},{"kind":"Field","name":{"kind":"Name","value":"kycStatus"}},{"kind":"Field","name":{"kind":"Name","value":"kycPassedAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}}]} as unknown as DocumentNode<CreateCustomerMutation, CreateCustomerMutationVariables>;
export const UpdateCustomerDocument = {"__meta__":{"hash":"sha256:77bf703c3ff1dbec58821476a9a9ca4f56afe44252de46eb469ede773b273478"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateCustomer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateCustomerInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateCustomer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"kycStatus"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]} as unknown as DocumentNode<UpdateCustomerMutation, UpdateCustomerMutationVariables>;
export const CustomerDocument = {"__meta__":{"hash":"sha256:a501843ef1468a76f1fdcb3b9c052a395acb32133f13be45cf3ddb54872b9514"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Customer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"kycStatus"}},{"kind":"Field","name":{"kind":"Name","value":"kycStatusAt"}},{"kind":"Field","name":{"kind":"Name","value":"kycPassedAt"}},{"kind":"Field","name":{"kind":"Name","value":"kycPassedProgramId"}},{"kind":"Field","name":{"kind":"Name","value":"kycDocumentsRequired"}},{"kind":"Field","name":{"kind":"Name","value":"kycFailureReasons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ofac"}},{"kind":"Field","name":{"kind":"Name","value":"bureau"}},{"kind":"Field","name":{"kind":"Name","value":"mobile"}},{"kind":"Field","name":{"kind":"Name","value":"ip"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}},{"kind":"Field","name":{"kind":"Name","value":"kycIncorrectInformation"}},{"kind":"Field","name":{"kind":"Name","value":"kycAttempts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"programId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"ssnLastFour"}},{"kind":"Field","name":{"kind":"Name","value":"idempotencyKey"}},{"kind":"Field","name":{"kind":"Name","value":"rejectionCode"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"sentAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]}}]} as unknown as DocumentNode<CustomerQuery, CustomerQueryVariables>;
export const UploadKycDocumentDocument = {"__meta__":{"hash":"sha256:0ab090c13c66f9d501c2b69ffa451c8ce8ef028aa82d32b6025514ea3575219d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UploadKycDocument"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UploadKycDocumentInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uploadKycDocument"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customerId"}},{"kind":"Field","name":{"kind":"Name","value":"document"}},{"kind":"Field","name":{"kind":"Name","value":"numDocumentsSubmitted"}},{"kind":"Field","name":{"kind":"Name","value":"customer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kycStatus"}},{"kind":"Field","name":{"kind":"Name","value":"kycDocumentsRequired"}}]}}]}}]}}]} as unknown as DocumentNode<UploadKycDocumentMutation, UploadKycDocumentMutationVariables>;
export const SubmitKycDocument = {"__meta__":{"hash":"sha256:39199b0b0f12f017719fbc22d9cfc9d3a286319acfada2c1445ceb50e0be125d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SubmitKyc"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SubmitKycInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"submitKyc"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"customerId"}},{"kind":"Field","name":{"kind":"Name","value":"programId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"ssnLastFour"}},{"kind":"Field","name":{"kind":"Name","value":"idempotencyKey"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"sentAt"}}]}}]}}]} as unknown as DocumentNode<SubmitKycMutation, SubmitKycMutationVariables>;
export const KycStatusChangedDocument = {"__meta__":{"hash":"sha256:b501b7889cd52581af59a2c31dc38b4c04ed8e0dc2e8655aa98dd608f62eb8e6"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"KycStatusChanged"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kycStatusChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"customerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customerId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"previousStatus"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"event"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]} as unknown as DocumentNode<KycStatusChangedSubscription, KycStatusChangedSubscriptionVariables>;
export const CustomerKycStatusDocument = {"__meta__":{"hash":"sha256:5f15f7d1f6dc92f965da361603223fc9ab9cf9cfd139a578d5295b295f15fcc3"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CustomerKycStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kycStatus"}},{"kind":"Field","name":{"kind":"Name","value":"kycStatusAt"}},{"kind":"Field","name":{"kind":"Name","value":"kycDocumentsRequired"}}]}}]}}]} as unknown as DocumentNode<CustomerKycStatusQuery, CustomerKycStatusQueryVariables>;
export const KycStatusWithCustomerDocument = {"__meta__":{"hash":"sha256:bbf803ae6ce780ebd330d383a9bed259092d049829011763003ec7874cdfcf72"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"KycStatusWithCustomer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kycStatusChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"customerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"customer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kycStatus"}},{"kind":"Field","name":{"kind":"Name","value":"kycStatusAt"}},{"kind":"Field","name":{"kind":"Name","value":"kycDocumentsRequired"}}]}}]}}]}}]} as unknown as DocumentNode<KycStatusWithCustomerSubscription, KycStatusWithCustomerSubscriptionVariables>;
export const KycStatusResumedDocument = {"__meta__":{"hash":"sha256:284466c92589b3d98091fb459ebc0db6a36a3bf803faade09d5deadbb351b6a4"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"KycStatusResumed"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"afterVersion"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kycStatusChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"customerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}}},{"kind":"Argument","name":{"kind":"Name","value":"afterVersion"},"value":{"kind":"Variable","name":{"kind":"Name","value":"afterVersion"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customerId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"previousStatus"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"event"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]} as unknown as DocumentNode<KycStatusResumedSubscription, KycStatusResumedSubscriptionVariables>;
export const CustomersDocument = {"__meta__":{"hash":"sha256:49706a78b2df8a0c8866b77c74d41771411c4b87b00014273b06d51c75ab77d2"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Customers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"CustomerFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kycStatus"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<CustomersQuery, CustomersQueryVariables>;
export const KycEventsDocument = {"__meta__":{"hash":"sha256:a53b275d1664c0cb21a12e0ada312db7c71fd9051cbed11181f9fd397daba0d7"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"KycEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kycEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"customerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"customerId"}},{"kind":"Field","name":{"kind":"Name","value":"event"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"statusAfter"}},{"kind":"Field","name":{"kind":"Name","value":"documents"}},{"kind":"Field","name":{"kind":"Name","value":"failureReasons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ofac"}},{"kind":"Field","name":{"kind":"Name","value":"bureau"}},{"kind":"Field","name":{"kind":"Name","value":"mobile"}},{"kind":"Field","name":{"kind":"Name","value":"ip"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}},{"kind":"Field","name":{"kind":"Name","value":"incorrectInformation"}}]}}]}}]} as unknown as DocumentNode<KycEventsQuery, KycEventsQueryVariables>;