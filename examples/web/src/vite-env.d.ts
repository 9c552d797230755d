/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_KYC_API_URL?: string;
  readonly VITE_KYC_TOKEN?: string;
  readonly VITE_KYC_PROGRAM_ID?: string;
}
