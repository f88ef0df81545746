/**
 * The gateway's codes in plain words: statuses, categories, purposes and, above all, the reason
 * of every read in the access log, so that an applicant never has to decode `NO_CONSENT`
 * (PIPL article 44: the right to know how one's data is handled). A code the gateway adds later
 * falls back to `reason.other`, which names it.
 */
export const vocabulary = {
  zh: {
    category: { NAME: "姓名", NATIONAL_ID: "身份证号", PHONE: "手机号", EMAIL: "电子邮箱" },
    applicationStatus: { SUBMITTED: "进行中", WITHDRAWN: "已撤回", CLOSED: "已结束" },
    leadStatus: {
      NEW: "已收到申请", OFFERED: "已报价", CHOSEN: "已被您选择", APPROVED: "已批准", DECLINED: "已拒绝",
      FUNDED: "已放款", CLOSED: "已关闭",
    },
    consentStatus: { ACTIVE: "有效", WITHDRAWN: "已撤回", EXPIRED: "已过期", TERMINATED: "已终止" },
    loanPurpose: {
      CONSUMPTION: "消费", EDUCATION: "教育", MEDICAL: "医疗", BUSINESS: "经营", HOME_IMPROVEMENT: "装修", CAR: "购车", OTHER: "其他",
    },
    endReason: {
      APPLICANT_WITHDREW: "您撤回了同意", APPLICANT_ERASED: "您删除了信息", APPLICATION_CLOSED: "申请已结束",
      APPLICATION_WITHDRAWN: "您撤回了申请", FUNDED_BY_ANOTHER_LENDER: "另一家机构已放款", LENDER_DECLINED: "该机构拒绝了申请",
      LENDER_OFFBOARDED: "该机构已退出平台", LENDER_SUSPENDED: "该机构已被暂停", TTL_ELAPSED: "同意期限已到",
    },
    readerKind: { LENDER: "{{lender}}（贷款机构）", ADMIN: "平台工作人员（只见遮蔽后的信息）", APPLICANT: "您本人的账户" },
    dataUse: { third_party_sharing: "向第三方（该贷款机构）提供，用于审核这份申请并向您提供贷款" },
    reason: {
      GRANTED_LENDER: "您已同意该机构读取这一类信息",
      GRANTED_ADMIN: "工作人员处理您的申请时查看，只显示遮蔽后的信息",
      GRANTED_APPLICANT: "您本人查看自己的信息",
      NO_CONSENT: "您没有同意该机构读取您的信息",
      CONSENT_WITHDRAWN: "您已撤回对该机构的同意",
      CONSENT_EXPIRED: "您对该机构的同意已过期",
      CONSENT_TERMINATED: "同意已终止（例如申请已撤回或结束、机构已拒绝、信息已删除）",
      CATEGORY_NOT_CONSENTED: "您同意过该机构，但没有同意这一类信息",
      PARTNER_NOT_PERMITTED: "平台不允许该机构接收这一类信息",
      LENDER_SUSPENDED: "该机构已被暂停或已退出平台",
      NOT_OWNER: "读取者不是这些信息的本人",
      DAILY_READ_BUDGET: "该机构当日的读取次数已用完",
      other: "其他原因（代码 {{code}}）",
    },
  },
  en: {
    category: { NAME: "full name", NATIONAL_ID: "resident ID number", PHONE: "mobile number", EMAIL: "e-mail address" },
    applicationStatus: { SUBMITTED: "Open", WITHDRAWN: "Withdrawn", CLOSED: "Closed" },
    leadStatus: {
      NEW: "Received", OFFERED: "Offer made", CHOSEN: "Chosen by you", APPROVED: "Approved", DECLINED: "Declined",
      FUNDED: "Funded", CLOSED: "Closed",
    },
    consentStatus: { ACTIVE: "Active", WITHDRAWN: "Withdrawn", EXPIRED: "Expired", TERMINATED: "Ended" },
    loanPurpose: {
      CONSUMPTION: "Consumption", EDUCATION: "Education", MEDICAL: "Medical", BUSINESS: "Business",
      HOME_IMPROVEMENT: "Home improvement", CAR: "Car", OTHER: "Other",
    },
    endReason: {
      APPLICANT_WITHDREW: "You withdrew it", APPLICANT_ERASED: "You erased your data", APPLICATION_CLOSED: "The application closed",
      APPLICATION_WITHDRAWN: "You withdrew the application", FUNDED_BY_ANOTHER_LENDER: "Another lender funded it",
      LENDER_DECLINED: "The lender declined the application", LENDER_OFFBOARDED: "The lender left the platform",
      LENDER_SUSPENDED: "The lender was suspended", TTL_ELAPSED: "Its time ran out",
    },
    readerKind: { LENDER: "{{lender}} (lender)", ADMIN: "Platform staff (masked values only)", APPLICANT: "Your own account" },
    dataUse: { third_party_sharing: "Given to a third party (this lender) to assess this application and offer you the loan" },
    reason: {
      GRANTED_LENDER: "You consented that this lender reads this category",
      GRANTED_ADMIN: "Staff handling your application saw it masked",
      GRANTED_APPLICANT: "You looked at your own data",
      NO_CONSENT: "You did not consent that this lender reads your data",
      CONSENT_WITHDRAWN: "You withdrew your consent from this lender",
      CONSENT_EXPIRED: "Your consent to this lender had expired",
      CONSENT_TERMINATED: "The consent had ended (the application was withdrawn or closed, the lender declined, or your data was erased)",
      CATEGORY_NOT_CONSENTED: "You consented to this lender, but not for this category",
      PARTNER_NOT_PERMITTED: "The platform does not permit this lender to receive this category",
      LENDER_SUSPENDED: "The lender is suspended or has left the platform",
      NOT_OWNER: "The reader is not the person this data belongs to",
      DAILY_READ_BUDGET: "The lender had used up its reads for the day",
      other: "Another reason (code {{code}})",
    },
  },
};
