import { Modal, type ModalProps } from "@mantine/core";
import { useTranslation } from "react-i18next";

/**
 * The library's modal with a labelled close button and no fade: a dialog is there or not, so
 * what a reader (or an accessibility check) sees is never half-transparent.
 */
export function ConsoleModal(props: ModalProps) {
  const { t } = useTranslation();
  return <Modal {...props} closeButtonProps={{ "aria-label": t("close") }} transitionProps={{ duration: 0 }} />;
}
