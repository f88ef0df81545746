/** The privacy centre's words, Chinese and English; shared words are in ../shared/i18n.ts. */
export const words = {
  zh: {
    title: "隐私中心",
    nav: { applications: "我的申请" },
    applications: { heading: "我的申请", submittedAt: "提交时间", status: "状态", amount: "金额（元）" },
  },
  en: {
    title: "Privacy centre",
    nav: { applications: "My applications" },
    applications: { heading: "My applications", submittedAt: "Submitted", status: "Status", amount: "Amount (CNY)" },
  },
};
