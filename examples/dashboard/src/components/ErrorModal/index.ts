export { ErrorModal, ErrorModalProvider, useErrorModal } from './ErrorModal';
export type { ErrorModalProps } from './ErrorModal';
