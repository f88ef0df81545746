/** The console's words, Chinese and English; shared words are in ../shared/i18n.ts. */
export const words = {
  zh: {
    title: "合作机构管理台",
    nav: { lenders: "合作机构" },
    lenders: { heading: "合作机构", name: "名称", legalName: "法定名称", status: "状态" },
  },
  en: {
    title: "Partner console",
    nav: { lenders: "Lenders" },
    lenders: { heading: "Lenders", name: "Name", legalName: "Legal name", status: "Status" },
  },
};
